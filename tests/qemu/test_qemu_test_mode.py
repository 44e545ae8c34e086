"""Test mode (protocol/test-mode.md) on the QEMU Photon, the real Cortex-M3 image: the stream
vectors of protocol/test-mode/vectors.json replayed on its test pads, corrupted input answered
without changing the DCT, and the station (protocol/station.md) against QEMU units that stop
answering mid-run or carry a serial number already bound to another device."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harken.dut_choice import DutChoice
from harken.emulate.qemu import QemuDevice
from harken.mfg.run_result import StepResult
from harken.mfg.station_config import StationConfig, load_station
from harken.mfg.station_dut import StationDut
from harken.mfg.station_example import write_example
from harken.mfg.station_run import Station
from harken.mfg.test_pads import TestPadsClient
from harken.mfg.unit_records import UnitRecords
from harken.protocol import test_mode as tm
from harken.protocol.test_mode import Command, Frame, Status

ROOT = Path(__file__).resolve().parents[2]
STREAMS = json.loads((ROOT / "protocol" / "test-mode" / "vectors.json").read_text())["streams"]
QEMU = DutChoice("qemu")
REPLY_TIMEOUT = 1.0  # the station's, per try; QEMU on a loaded machine answers well within it

Unit = tuple[QemuDevice, TestPadsClient]


@pytest.fixture(scope="module")
def unit(
    qemu_images: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Unit]:
    """One QEMU Photon in test mode for the module's wire tests: (device, client)."""
    device = QemuDevice(
        tmp_path_factory.mktemp("qemu-test-mode"), "photon", image=qemu_images("photon")
    )
    device.start()
    try:
        assert device.test_pads is not None
        with TestPadsClient(device.test_pads) as client:
            client.enter(timeout=10.0)
            yield device, client
    finally:
        try:
            device.stop(timeout=2.0)
        except Exception:  # noqa: BLE001 - a failing stop must not leave QEMU behind
            device.kill()
        assert not device.running, f"QEMU left running: {device.pid}"


def dct(device: QemuDevice) -> bytes:
    return (device.state_dir / "dct.bin").read_bytes()


def replies_within(client: TestPadsClient, count: int, timeout: float) -> list[Frame]:
    frames: list[Frame] = []
    deadline = time.monotonic() + timeout
    while len(frames) < count and (frame := client.next_frame(deadline - time.monotonic())):
        frames.append(frame)
    return frames


# --- the wire ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", STREAMS, ids=[s["name"] for s in STREAMS])
def test_the_stream_vectors_on_the_qemu_device(unit: Unit, case: dict) -> None:
    _, client = unit
    client.discard_frames()
    client.send_raw(bytes.fromhex(case["input_hex"]))
    frames = replies_within(client, len(case["replies"]), timeout=3.0)
    got = [{"type": f.type, "seq": f.seq, "status": tm.status_name(f.payload[0])} for f in frames]
    assert got == case["replies"]
    assert client.next_frame(0.3) is None  # nothing more


PING_9 = tm.encode_frame(Command.PING, 9, b"")
LED_13 = tm.encode_frame(Command.LED, 13, b"\x01\x02\x03\x01")


@pytest.mark.parametrize(
    ("data", "pause", "expected"),
    [
        (PING_9[:-1] + bytes([PING_9[-1] ^ 0xFF]), 0.0, (Status.BAD_CRC, 9)),
        (b"\xfa\xce\x01\x05\x0b\x2c\x01" + bytes(304), 0.0, (Status.BAD_LENGTH, 11)),
        (b"\xfa\xce\x07\x00\x0c\x00\x00\x00\x00\x00\x00", 0.0, (Status.BAD_VERSION, 12)),
        (LED_13[: len(LED_13) // 2], 0.5, (Status.TRUNCATED, 13)),
        (bytes(range(256)).replace(b"\xfa", b"") * 2 + b"hello\r\n", 0.3, None),
    ],
    ids=["bad crc", "oversize length", "bad version", "truncated", "garbage"],
)
def test_corrupted_input_is_answered_and_changes_nothing(
    unit: Unit, data: bytes, pause: float, expected: tuple[Status, int] | None
) -> None:
    device, client = unit
    before = dct(device)
    client.discard_frames()
    client.send_raw(data)
    time.sleep(pause)
    frames = replies_within(client, 1, timeout=2.0 if expected else 0.5)
    if expected is None:
        assert frames == []
    else:
        status, seq = expected
        assert [(f.type, f.seq, f.payload) for f in frames] == [(0xFF, seq, bytes([status]))]
    assert client.next_frame(0.3) is None  # one answer, no more
    assert client.identify().device_id == device.info["device_id"]
    assert dct(device) == before


# --- the station -------------------------------------------------------------------------


def station_config(tmp_path: Path, *kinds: str) -> StationConfig:
    """The example station with only the steps of ``kinds``, in its order."""
    config = load_station(write_example(tmp_path / "station.toml"))
    return dataclasses.replace(config, steps=tuple(s for s in config.steps if s.kind in kinds))


def make_station(config: StationConfig, image: Path, state_root: Path, lines: list[str]) -> Station:
    return Station(
        config,
        printer=lines.append,
        state_root=state_root,
        qemu_image=image,
        reply_timeout=REPLY_TIMEOUT,
    )


def test_a_qemu_unit_that_stops_answering_mid_run_fails_and_is_recorded(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    lines: list[str] = []
    config = station_config(tmp_path, "identify", "led")
    station = make_station(config, qemu_images("photon"), tmp_path / "u", lines)
    stopped: list[int] = []

    def pause(done: StepResult, dut: StationDut) -> None:
        assert dut.pid is not None
        if done.name == "identify":
            os.kill(dut.pid, signal.SIGSTOP)  # QEMU hangs right after the unit identified
            stopped.append(dut.pid)
        elif done.name == "led":
            os.kill(dut.pid, signal.SIGCONT)  # so the station's stop can end it cleanly
            stopped.remove(dut.pid)

    station.after_step = pause
    try:
        result = station.run_unit("Q0003", QEMU)
    finally:
        for pid in stopped:  # the run went wrong before led: wake QEMU for its kill
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    assert [(s.name, s.passed) for s in result.steps] == [("identify", True), ("led", False)], (
        "\n".join(lines)
    )
    silent = re.fullmatch(
        r"unit stopped answering during led \(no reply in (\d+\.\d) s\)", result.steps[1].reason
    )
    assert silent is not None, result.steps[1].reason
    assert float(silent[1]) >= 3 * REPLY_TIMEOUT  # every try waited out
    assert result.recorded_id is not None and result.identity is not None
    assert lines[-1].startswith("Q0003  FAIL  unit failed (")
    with UnitRecords(config.database, create=False) as records:
        recorded = records.lookup("Q0003")
        assert recorded is not None and recorded.device_id == result.identity.device_id
        (run,) = recorded.runs
        assert not run.passed and run.failed_step is not None
        assert run.failed_step.name == "led" and "stopped answering" in run.failed_step.reason


def test_a_serial_number_bound_to_another_qemu_device_is_refused(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    config = station_config(tmp_path, "identify")
    image = qemu_images("photon")
    first_lines: list[str] = []
    first = make_station(config, image, tmp_path / "line-a", first_lines).run_unit("Q0004", QEMU)
    assert first.passed and first.identity is not None, "\n".join(first_lines)
    bound = first.identity.device_id
    # Another unit (its own state folder: another device ID) labelled with the same number.
    lines: list[str] = []
    result = make_station(config, image, tmp_path / "line-b", lines).run_unit("Q0004", QEMU)
    assert result.identity is not None and result.identity.device_id != bound
    assert result.refused is not None and result.recorded_id is None, "\n".join(lines)
    assert f"Q0004 is already bound to device {bound}" in result.refused
    assert [s.name for s in result.steps] == ["identify"]  # refused right after identify
    assert lines[-1] == f"Q0004  FAIL  refused: {result.refused}"
    with UnitRecords(config.database, create=False) as records:
        assert records.count("units") == 1 and records.count("runs") == 1
        recorded = records.lookup("Q0004")
        assert recorded is not None and recorded.device_id == bound
        assert records.lookup(result.identity.device_id) is None
