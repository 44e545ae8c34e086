"""A station run over a noisy test-pads line: a relay between the station and a real native
unit damages frames each way (one header byte flipped, so the CRC fails). The
unit answers damaged requests with FRAME_ERROR, the station drops damaged replies; both are
resent, and the run still passes and is recorded."""

from __future__ import annotations

import os
import selectors
import threading
import tty
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from station_files import FACTORY_AP, FULL_SEQUENCE, station_toml

from harken.dut_choice import DutChoice
from harken.emulate.wifi_env import parse_network_spec
from harken.mfg.station_config import load_station
from harken.mfg.station_run import Station
from harken.mfg.unit_records import UnitRecords

SYNC = b"\xfa\xce"


class FrameDamage:
    """Flips the type byte of the frames going one way whose number (1, 2, …) ``hit`` picks."""

    def __init__(self, hit: Callable[[int], bool]) -> None:
        self.hit = hit
        self.frames = 0
        self.damaged = 0
        self._previous = 0
        self._since_sync = -1

    def feed(self, data: bytes) -> bytes:
        out = bytearray(data)
        for index, byte in enumerate(out):
            if self._since_sync >= 0:
                self._since_sync += 1
                if self._since_sync == 3:  # offset 3 from the sync: the type byte
                    self._since_sync = -1
                    if self.hit(self.frames):
                        out[index] ^= 0x01
                        self.damaged += 1
            if self._previous == SYNC[0] and byte == SYNC[1]:
                self.frames += 1
                self._since_sync = 1
            self._previous = byte
        return bytes(out)


class NoisyRelay:
    """The station's end is a pty of our own; the unit's end is its test pads."""

    def __init__(self, unit_pads: str) -> None:
        self.station_fd, slave = os.openpty()
        tty.setraw(slave)
        self.station_port = os.ttyname(slave)
        self._slave = slave
        self.unit_fd = os.open(unit_pads, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.unit_fd)
        # Every third request; the unit answers FRAME_ERROR and the station resends at once.
        self.to_unit = FrameDamage(lambda n: n % 3 == 0)
        # Two replies of quick commands (IDENTIFY's first, RSSI's): the station waits its
        # reply timeout, then resends.
        self.to_station = FrameDamage(lambda n: n in (2, 8))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._relay, daemon=True)
        self._thread.start()

    def _relay(self) -> None:
        routes = {
            self.station_fd: (self.unit_fd, self.to_unit),
            self.unit_fd: (self.station_fd, self.to_station),
        }
        with selectors.DefaultSelector() as selector:
            for fd in routes:
                selector.register(fd, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(0.05):
                    try:
                        data = os.read(key.fd, 4096)
                    except OSError:
                        continue  # the station closed its end (EIO) until it opens it again
                    target, damage = routes[key.fd]
                    if data:
                        os.write(target, damage.feed(data))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for fd in (self.station_fd, self._slave, self.unit_fd):
            os.close(fd)


@pytest.fixture
def noisy_relay(native_device: Callable[..., Any]) -> Iterator[NoisyRelay]:
    unit = native_device("photon", wifi_env=[parse_network_spec(FACTORY_AP)])
    relay = NoisyRelay(unit.test_pads)
    try:
        yield relay
    finally:
        relay.close()


def test_a_run_over_a_line_that_damages_frames_passes_through_resends(
    noisy_relay: NoisyRelay, tmp_path: Path
) -> None:
    no_fixture = [s for s in FULL_SEQUENCE if s["kind"] not in ("led", "button", "reboot")]
    config = load_station(station_toml(tmp_path, steps=no_fixture))
    lines: list[str] = []
    station = Station(config, printer=lines.append, reply_timeout=0.5)
    result = station.run_unit("SN0001", DutChoice("serial", noisy_relay.station_port))
    assert result.passed, "\n".join(lines)
    assert noisy_relay.to_unit.damaged >= 2 and noisy_relay.to_station.damaged == 2
    with UnitRecords(config.database, create=False) as records:
        unit = records.lookup("SN0001")
        assert unit is not None and unit.runs[0].passed
