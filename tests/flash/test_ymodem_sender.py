"""The YMODEM sender against the golden sessions of protocol/ymodem/vectors.json (a scripted
device answering the recorded bytes, on a virtual clock) and against lrzsz's ``rb``.

Replayed: the two sender recordings byte for byte, the refusals in both modes, both aborts, and
too-many-errors's answers against the strict sender's resends. Not replayed: duplicate-block-nak
and no-data, whose host bytes no sender of ours writes (a block resent after its ACK; nothing)."""

from __future__ import annotations

import json
import os
import pty
import select
import threading
import time
import tty
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from harken.flash import FlashError, Timing, crc16_xmodem, send_file
from harken.flash.ymodem_sender import data_blocks
from harken.transport.serial_port import ReadTimeout, SerialPort

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "ymodem" / "vectors.json"
CASES = {case["name"]: case for case in json.loads(VECTORS.read_text())["cases"]}
STRICT_MTIME = 0o14253107670  # the mtime lrzsz's sz put in strict-sender-stx-success's header
FAST = Timing(ready=1.0, grace=0.5, block=2.0, header=3.0, finish=3.0, words=0.5, settle=0.0)


@dataclass
class Step:
    wait: float  # seconds of device clock before it (only matters without host bytes)
    host: bytes
    device: bytes


def steps_of(case: dict) -> list[Step]:
    return [
        Step(s["advance_ms"] / 1000, bytes.fromhex(s["host"]), bytes.fromhex(s["device"]))
        for s in case["steps"]
    ]


def recorded_host(case: dict) -> bytes:
    return b"".join(step.host for step in steps_of(case))


def file_of(case: dict) -> tuple[str, bytes]:
    """The file a sender case sends: name and size from the sink's ``begin`` call, contents
    from the staged bytes (the 300-byte file is the same in every particle-cli case)."""
    _, name, size = case["expect"]["calls"][0].split()
    staged = bytes.fromhex(case["expect"]["staged"])
    full = bytes.fromhex(CASES["particle-cli-success"]["expect"]["staged"])
    data = staged[: int(size)] if len(staged) >= int(size) else full[: int(size)]
    assert data.startswith(staged[: int(size)])
    return name, data


class ScriptedDevice:
    """A port whose device side replays recorded steps on a virtual clock.

    When the sender has written a step's host bytes (exactly, or with ``loose`` only the same
    first byte and length), that step's device bytes become readable. A step without host
    bytes is the device's timer: its bytes arrive once the sender has waited long enough
    (nobody sleeps) and it is dropped if the sender writes first."""

    def __init__(self, steps: Sequence[Step], *, loose: bool = False) -> None:
        self.steps = deque(steps)
        self.loose = loose
        self.written = bytearray()
        self.unmatched = bytearray()
        self.pending = bytearray()
        self.idle = 0.0  # virtual seconds waited since the last event
        self.waited = 0.0  # virtual seconds waited in all

    def write(self, data: bytes) -> None:
        self.written += data
        self.unmatched += data
        self.idle = 0.0
        while self.steps and not self.steps[0].host:
            self.steps.popleft()  # the device's timer did not run out
        while self.steps and self.steps[0].host and len(self.unmatched) >= len(self.steps[0].host):
            expected = self.steps[0].host
            got = bytes(self.unmatched[: len(expected)])
            same = got[:1] == expected[:1] if self.loose else got == expected  # kind and size
            if not same:
                return  # the device stays silent; the test compares the streams
            del self.unmatched[: len(expected)]
            self.pending += self.steps.popleft().device

    def _tick(self, budget: float) -> float:
        """Let the device's timers run for up to ``budget`` seconds; returns what is left."""
        while self.steps and not self.steps[0].host:
            need = self.steps[0].wait - self.idle
            if need > budget:
                break
            budget -= need
            self.waited += need
            self.idle = 0.0
            self.pending += self.steps.popleft().device
            if self.pending:
                return budget
        return budget

    def read_until_any(self, expected: Sequence[bytes], timeout: float) -> tuple[int, bytes]:
        budget = timeout
        while True:
            hits = [(self.pending.find(e), i, e) for i, e in enumerate(expected)]
            hits = [h for h in hits if h[0] >= 0]
            if hits:
                position, index, pattern = min(hits)
                end = position + len(pattern)
                result = bytes(self.pending[:end])
                del self.pending[:end]
                return index, result
            before = len(self.pending)
            budget = self._tick(budget)
            if len(self.pending) == before:
                self.idle += budget
                self.waited += budget
                received = bytes(self.pending)
                self.pending.clear()
                raise ReadTimeout("scripted device: nothing more", received)

    def read_batch(self, silence: float = 0.25, timeout: float = 5.0) -> bytes:
        if not self.pending:
            self._tick(timeout)
        if not self.pending:
            self.waited += timeout
            raise ReadTimeout("scripted device: silent")
        result = bytes(self.pending)
        self.pending.clear()
        return result


def test_crc16_xmodem_check_value():
    assert crc16_xmodem(b"123456789") == 0x31C3  # the catalogue's check value
    assert crc16_xmodem(b"") == 0


@pytest.mark.parametrize(
    "size, kinds",
    [(0, ""), (1, "S"), (896, "S" * 7), (897, "X"), (1024, "X"), (1025, "XS"), (2100, "XXS")],
)
def test_strict_blocks_keep_padding_under_128_bytes(size, kinds):
    """1024-byte blocks (X) while more than 896 bytes remain, then 128-byte ones (S)."""
    blocks = data_blocks(bytes(size), "strict")
    assert "".join("X" if len(body) == 1024 else "S" for _, body in blocks) == kinds
    assert [offset for offset, _ in blocks] == [
        sum(len(b) for _, b in blocks[:i]) for i in range(len(blocks))
    ]


def test_particle_blocks_are_128_bytes_and_one_for_an_empty_file():
    assert [(o, len(b)) for o, b in data_blocks(bytes(300), "particle")] == [
        (0, 128),
        (128, 128),
        (256, 128),
    ]
    assert data_blocks(b"", "particle") == [(0, bytes(128))]


@pytest.mark.parametrize(
    ("name", "mode"), [("a\0b", "strict"), ("", "strict"), ("n" * 124, "particle")]
)
def test_a_name_that_does_not_fit_is_refused_before_anything_is_sent(name, mode):
    device = ScriptedDevice([])
    with pytest.raises(ValueError):
        send_file(device, name, bytes(300), mode=mode)
    assert device.written == b""


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("mode", "sent"), [("strict", 2 * 133), ("particle", 2)])
def test_a_silent_serial_port_fails_in_bounded_time(mode, sent):
    master, slave = pty.openpty()
    tty.setraw(slave)
    timing = Timing(ready=0.3, grace=0.2, header=0.4, words=0.2, settle=0.0)
    try:
        with SerialPort(os.ttyname(slave)) as port:
            started = time.monotonic()
            with pytest.raises(FlashError, match="ready line|last answer none"):
                send_file(port, "app.bin", b"x", mode=mode, timing=timing)
            assert time.monotonic() - started < 0.2 + 2 * 0.4 + 0.5
        written = b""
        while select.select([master], [], [], 0.1)[0]:
            written += os.read(master, 4096)
        assert len(written) == sent  # particle: 'f', then 'a'; strict: the header twice
    finally:
        os.close(master)
        os.close(slave)


# --- golden sessions --------------------------------------------------------------------------


def test_particle_mode_is_particle_cli_byte_for_byte():
    case = CASES["particle-cli-success"]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case))
    seen: list[tuple[int, int]] = []
    result = send_file(device, name, data, mode="particle", progress=lambda *p: seen.append(p))
    assert bytes(device.written) == recorded_host(case)
    assert (result.size, result.blocks, result.resent) == (300, 3, 0)
    assert seen == [(128, 300), (256, 300), (300, 300)]
    # the success text is left for the caller
    assert device.read_batch().startswith(b"\r\nDownloaded file successfully!")


@pytest.mark.parametrize("grace", [6.0, FAST.grace], ids=["waits-for-C", "grace"])
def test_strict_mode_is_the_recorded_strict_sender(grace):
    """With a grace longer than the device's 5 s the session is the recording, 'C's
    included. With the default (shorter) grace the sender starts before Device OS's first
    'C' and sends the end of batch before its second: the device's 'C's never happen,
    the host bytes are the same."""
    case = CASES["strict-sender-stx-success"]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case))
    timing = Timing(grace=grace, settle=0.0)
    result = send_file(device, name, data, type_f=True, mtime=STRICT_MTIME, timing=timing)
    assert bytes(device.written) == recorded_host(case)
    assert (result.blocks, result.resent) == (3, 0)
    assert device.waited == pytest.approx(2 * 5.001 if grace > 5.001 else 2 * grace)


FAILURES = {
    "validation-failure": "the device refused the image: Validation failed: -1330",
    "header-refused": "the device refused the file 'binary' (300 bytes): "
    "The file size is higher than the allowed space memory!",
    "write-failure": "the device cancelled the transfer at block 2 (offset 128): "
    "Failed to save chunk!",
}


@pytest.mark.parametrize("case_name", FAILURES)
def test_particle_mode_stops_on_the_devices_refusal(case_name):
    case = CASES[case_name]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case))
    started = time.monotonic()
    with pytest.raises(FlashError) as error:
        send_file(device, name, data, mode="particle", timing=FAST)
    assert str(error.value) == FAILURES[case_name]
    assert error.value.device_said in FAILURES[case_name]
    assert bytes(device.written) == recorded_host(case) + b"a"  # particle-cli's abort on error
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("case_name", FAILURES)
def test_strict_mode_stops_on_the_devices_refusal(case_name):
    """The particle-cli recordings in strict framing: same packet kinds and sizes."""
    case = CASES[case_name]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case), loose=True)
    with pytest.raises(FlashError) as error:
        send_file(device, name, data, type_f=True, timing=FAST)
    assert str(error.value) == FAILURES[case_name]
    assert len(device.written) == len(recorded_host(case))  # and no 'a'
    assert device.waited <= 2 * FAST.grace  # the start and after EOT: nothing else waited


def test_user_abort_in_particle_mode():
    case = CASES["user-abort"]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case))
    cancel = threading.Event()
    with pytest.raises(FlashError) as error:
        send_file(
            device, name, data, mode="particle", cancel=cancel, progress=lambda *_: cancel.set()
        )
    assert str(error.value) == (
        "the transfer was aborted on request; the device answered: Aborted by user."
    )
    assert bytes(device.written) == recorded_host(case)  # one 'a', not two


def test_sender_abort_in_strict_mode():
    case = CASES["sender-abort"]
    name, data = file_of(case)
    device = ScriptedDevice(steps_of(case), loose=True)
    cancel = threading.Event()
    with pytest.raises(FlashError) as error:
        send_file(device, name, data, cancel=cancel, progress=lambda *_: cancel.set(), timing=FAST)
    assert error.value.device_said == "Failed to receive the file!"
    assert bytes(device.written).endswith(b"\x18\x18")
    assert len(device.written) == len(recorded_host(case))


def _too_many_errors_device() -> ScriptedDevice:
    """The device's answers in too-many-errors, each given to one packet: ACK C to the
    header, then 'C' five times, then 'C' with the cancel."""
    steps = steps_of(CASES["too-many-errors"])
    header, block = steps[1].host, steps[5].host
    answers = [step.device for step in steps[2:] if step.device]
    return ScriptedDevice(
        [steps[0], Step(0, header, steps[1].device)] + [Step(0, block, a) for a in answers],
        loose=True,
    )


def test_strict_mode_resends_until_the_device_gives_up():
    name, data = file_of(CASES["particle-cli-success"])
    device = _too_many_errors_device()
    with pytest.raises(FlashError) as error:
        send_file(device, name, data, type_f=True, timing=FAST)
    assert str(error.value) == (
        "the device cancelled the transfer at block 1 (offset 0): Failed to receive the file!"
    )
    assert bytes(device.written).count(bytes.fromhex("0101fe")) == 7  # 'C' six times: resent


def test_particle_mode_gives_up_on_the_first_c():
    name, data = file_of(CASES["particle-cli-success"])
    device = _too_many_errors_device()
    with pytest.raises(FlashError, match=r"answered 'C' to block 1 \(offset 0\) \(expected ACK\)"):
        send_file(device, name, data, mode="particle", timing=FAST)
    assert bytes(device.written).endswith(b"a")


def test_strict_mode_gives_up_after_max_retries_of_nak():
    header = steps_of(CASES["particle-cli-success"])[1]
    steps = [Step(0, header.host, b"\x06C")] + [Step(0, header.host, b"\x15")] * 20
    device = ScriptedDevice(steps, loose=True)
    with pytest.raises(FlashError, match=r"block 1 \(offset 0\): 4 attempts, last answer NAK"):
        send_file(device, "binary", bytes(300), max_retries=3, timing=FAST)


def test_strict_mode_gives_up_on_a_silent_device_in_bounded_time():
    device = ScriptedDevice([])
    with pytest.raises(FlashError, match=r"header \(block 0\): 2 attempts, last answer none"):
        send_file(device, "app.bin", b"x", timing=FAST)
    assert device.waited == pytest.approx(FAST.grace + 2 * FAST.header)
