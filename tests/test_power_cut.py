"""Power cuts while the device commits its configuration: the store must always come back as
exactly the old or exactly the new configuration, and an acknowledged write must survive.

``--power-cut-at N`` makes the program ``_exit(86)`` once N more bytes have been erased or
programmed into ``dct.bin``. One commit writes a whole sector (erase + program), so N is
drawn over two consecutive commits: change 1 (claim code A → B) and change 2 (B → C).
"""

from __future__ import annotations

import os
import random
import signal
import termios
import threading
import time

import pytest
import serial

from console_io import DeviceLog, RawConsole, enter_listening
from harken.console.client import ConsoleClient
from harken.emulate.native import NativeDevice
from harken.protocol.store import DATA_END, SECTOR_SIZE
from stored_config import app_span, check_same_bytes, decode_store

POWER_CUT_EXIT = 86
COMMIT_BYTES = SECTOR_SIZE + DATA_END  # erase one sector + program its 15939 used bytes
CODE_A = "A" * 21 + "a" * 21 + "0" * 21
CODE_B = "B" * 21 + "b" * 21 + "1" * 21
CODE_C = "C" * 21 + "c" * 21 + "2" * 21
CODES = [CODE_A, CODE_B, CODE_C]
PROMPT = b"Enter 63-digit claim code: "
SEED = 20240611
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def cut_points() -> list[int]:
    """Boundaries of both commits, every byte of the first commit's last 16 (the sector
    header goes last), and random points over the whole range."""
    second = COMMIT_BYTES
    fixed = {0, 1, 2, 4095, 4096, SECTOR_SIZE - 1, SECTOR_SIZE, SECTOR_SIZE + 1,
             SECTOR_SIZE + 16, SECTOR_SIZE + 4000, COMMIT_BYTES - 17}  # fmt: skip
    fixed |= {COMMIT_BYTES - k for k in range(1, 17)}
    fixed |= {second, second + 1, second + SECTOR_SIZE - 1, second + SECTOR_SIZE,
              second + SECTOR_SIZE + 1, 2 * COMMIT_BYTES - 16, 2 * COMMIT_BYTES - 4,
              2 * COMMIT_BYTES - 1}  # fmt: skip
    rng = random.Random(SEED)
    points = set(fixed)
    while len(points) < 240:
        points.add(rng.randrange(0, 2 * COMMIT_BYTES))
    return sorted(points)


def enter_listening_with_ap(device: NativeDevice) -> None:
    """The 28800 trick, then wait until the setup AP is up (its SSID is persisted first)."""
    log = DeviceLog(device)
    enter_listening(device)
    log.wait_for("[softap] up")


@pytest.fixture
def configured(native_device, tmp_path):
    """A Photon with config A (claim code A + a WPA2 profile), stopped; returns the device and
    the content areas of A, B and C as the device itself writes them.

    Saving the first profile re-initialises the Wi-Fi section, setup AP settings included (as
    WICED does); the next listening mode stores them again. Config A is taken after that, so
    that entering listening mode on it writes nothing and the only commits are B and C."""
    device = native_device("photon", identity="photon-plain")
    log = DeviceLog(device)
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE_A)
        client.configure_wifi("HomeNet", password="power-cut-passphrase")
    log.wait_for("[network] joined")
    enter_listening_with_ap(device)
    device.stop()
    image_a = (device.state_dir / "dct.bin").read_bytes()
    contents = [decode_store(image_a).data]
    device.start()
    enter_listening_with_ap(device)
    check_same_bytes((device.state_dir / "dct.bin").read_bytes(), image_a, "A in listening mode")
    with ConsoleClient.open(device.console) as client:
        for code in CODES[1:]:
            client.set_claim_code(code)
            contents.append(decode_store((device.state_dir / "dct.bin").read_bytes()).data)
    device.stop()
    assert len(set(contents)) == 3
    return device, image_a, contents


def outcome(image: bytes, contents: list[bytes]) -> int:
    """Which configuration the store holds (index into ``contents``); fails otherwise."""
    data = decode_store(image).data
    if data not in contents:
        pytest.fail("after a power cut the store holds neither the old nor the new config", False)
    return contents.index(data)


def send_code(console: RawConsole, code: str) -> bool:
    """Send ``C`` + code; True if the device confirmed it before the power went."""
    try:
        console.send("C")
        if not console.read_until(PROMPT, timeout=2).endswith(PROMPT):
            return False
        console.send(code + "\n")
        reply = console.read_until(f"Claim code set to: {code}\r\n", timeout=2)
        return reply.endswith(f"Claim code set to: {code}\r\n".encode())
    except (serial.SerialException, OSError, termios.error):
        return False  # the pty went away with the process


def test_power_cut_leaves_old_or_new(configured):
    device, image_a, contents = configured
    store = device.state_dir / "dct.bin"
    results: dict[int, int] = {}
    started = time.monotonic()
    for n in cut_points():
        store.write_bytes(image_a)
        device.power_cut_at = n
        device.start()
        enter_listening(device)
        confirmed = []
        with RawConsole(device.console) as console:
            for code in CODES[1:]:
                confirmed.append(send_code(console, code))
                if not confirmed[-1]:
                    break
        assert device.wait(5) == POWER_CUT_EXIT, f"no power cut at byte {n}"
        device.stop()
        found = outcome(store.read_bytes(), contents)
        if confirmed[0]:
            assert found >= 1, f"cut at byte {n}: the acknowledged claim code B was lost"
        # a normal boot on what the cut left behind keeps it, and the device works
        device.power_cut_at = None
        device.start()
        enter_listening(device)
        with ConsoleClient.open(device.console) as client:
            assert client.claimed() is False
        device.stop()
        assert outcome(store.read_bytes(), contents) == found, f"cut at byte {n}: boot changed it"
        results[n] = found
    elapsed = time.monotonic() - started
    seen = [results[n] for n in sorted(results)]
    assert {0, 1} <= set(seen), "both the old (A) and the new (B) config must occur"
    assert seen == sorted(seen), "a later cut must never find an older config"
    assert len(results) >= 200
    print(f"{len(results)} power cuts in {elapsed:.1f} s")


def kill_at(pid: int, delay: float) -> threading.Timer:
    def kill() -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(delay, kill)
    timer.start()
    return timer


def test_sigkill_during_a_stream_of_claim_code_writes(configured):
    device, image_a, contents = configured
    store = device.state_dir / "dct.bin"
    base = decode_store(image_a)
    code_span = app_span("claim_code")
    rng = random.Random(SEED + 1)
    for round_ in range(8):
        store.write_bytes(image_a)
        device.start()
        enter_listening(device)
        codes = [CODE_A]
        timer = kill_at(device.pid, rng.uniform(0.005, 0.1))
        try:
            with RawConsole(device.console) as console:
                while len(codes) < 20_000:  # far more than fit before the kill
                    codes.append("".join(rng.choice(ALPHABET) for _ in range(63)))
                    if not send_code(console, codes[-1]):
                        break
        finally:
            timer.join()
        confirmed = len(codes) - 2  # the last one was in flight when the power went
        assert device.wait(5) == -signal.SIGKILL, f"round {round_}: the kill came too late"
        device.stop()
        after = decode_store(store.read_bytes())
        allowed = {codes[confirmed], codes[confirmed + 1]}
        if after.claim_code not in allowed:
            pytest.fail(
                f"round {round_}: after {confirmed} acknowledged writes the store holds "
                "neither the last acknowledged code nor the one in flight",
                pytrace=False,
            )
        rest_before = base.data[: code_span[0] - 16] + base.data[code_span[1] - 16 :]
        rest_after = after.data[: code_span[0] - 16] + after.data[code_span[1] - 16 :]
        check_same_bytes(rest_after, rest_before, f"round {round_}: fields besides the code")
