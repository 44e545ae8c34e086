"""The device a fuzz run is pointed at: ``native`` or ``qemu`` (started here, with its own
state folder and a Wi-Fi neighbourhood it can never join), or ``serial:PORT``, a board on a
serial port whose SoftAP, if fuzzed, is at ``--softap-host``."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harken.dut_choice import DutChoice
from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import WifiNetwork
from harken.errors import HarkenError
from harken.fuzz.wire import SoftApEndpoint
from harken.protocol.softap.framing import DEFAULT_TCP_PORT
from harken.protocol.softap.http_framing import DEFAULT_HTTP_PORT

DCT_FILE = "dct.bin"
SANITIZER_MARKS = (
    b"ERROR: AddressSanitizer",
    b"ERROR: LeakSanitizer",
    b"runtime error:",
    b"UndefinedBehaviorSanitizer",
    b"ThreadSanitizer",
)
WPA2_AES = 0x00400004

log = logging.getLogger(__name__)


class FuzzDeviceError(HarkenError):
    """The device under test could not be started or reached."""


def fuzz_networks() -> list[WifiNetwork]:
    """What the emulated radio sees: WPA2 networks with passwords no case can send (so a
    ``connect-ap`` never joins and the setup AP stays up) and an open one that is gone by
    the time a join reaches it."""
    unguessable = secrets.token_hex(24)
    return [
        WifiNetwork("FuzzNet", WPA2_AES, channel=6, rssi=-40, password=unguessable, join_ms=20),
        WifiNetwork("x" * 32, WPA2_AES, channel=11, rssi=-70, password=unguessable, join_ms=20),
        WifiNetwork("FuzzOpen", 0, channel=1, rssi=-60, join_ms=20, behaviour="gone"),
    ]


@dataclass(frozen=True)
class DutOptions:
    dut: DutChoice
    platform: str = "photon"
    state_dir: Path | None = None
    program: Path | None = None
    """The native program (default: the checkout's build, built if missing)."""
    image: Path | None = None
    """The QEMU image (default: the checkout's build, built if missing)."""
    softap_host: str | None = None
    softap_port: int = DEFAULT_TCP_PORT
    http_port: int = DEFAULT_HTTP_PORT


class FuzzDevice:
    """Start, watch and restart the device under test."""

    def __init__(self, options: DutOptions, state_dir: Path) -> None:
        self.options = options
        self.kind = options.dut.kind
        self.state_dir = state_dir
        self._device: Any = None
        self._log_seen = 0

    @property
    def emulated(self) -> bool:
        return self._device is not None

    def start(self) -> None:
        if self.kind == "serial":
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "native":
            program = self.options.program or (
                Path(os.environ["HARKEN_NATIVE_PROGRAM"])
                if os.environ.get("HARKEN_NATIVE_PROGRAM")
                else None
            )
            self._device = NativeDevice(self.state_dir, self.options.platform, program=program)
        else:
            from harken.emulate.qemu import QemuDevice  # QEMU's helpers load only when used

            self._device = QemuDevice(
                self.state_dir, self.options.platform, image=self.options.image
            )
        self._device.set_wifi_environment(fuzz_networks())
        self._device.start()
        self._log_seen = self._log_size()

    def stop(self) -> None:
        if self._device is None:
            return
        try:
            self._device.stop(2.0)
        except Exception:  # noqa: BLE001 - a failing stop must not leave a process behind
            self._device.kill()

    def restart(self) -> None:
        """Start an emulated device again on the same state (killing it if it is stuck)."""
        if self._device is None:
            return
        if self._device.running:
            self._device.kill()
        self._device.start()
        self._log_seen = self._log_size()

    @property
    def console_url(self) -> str | None:
        if self.kind == "serial":
            return self.options.dut.port
        return str(self._device.console)

    @property
    def softap(self) -> SoftApEndpoint | None:
        if self.kind == "serial":
            if self.options.softap_host is None:
                return None
            return SoftApEndpoint(
                self.options.softap_host, self.options.softap_port, self.options.http_port
            )
        tcp, http = self._device.softap_tcp_port, self._device.softap_http_port
        return None if tcp is None or http is None else SoftApEndpoint("127.0.0.1", tcp, http)

    @property
    def pid(self) -> int | None:
        return self._device.pid if self._device is not None else None

    def exit_status(self) -> str | None:
        """Why the emulated device is gone (its process ended), or None."""
        if self._device is None or self._device.running:
            return None
        return f"the device process exited (status {self._device.returncode})"

    def sanitizer_report(self) -> str | None:
        """The first sanitizer line the device's log gained since the last look."""
        path = self._log_path()
        if path is None or not path.is_file():
            return None
        with path.open("rb") as handle:
            handle.seek(self._log_seen)
            fresh = handle.read()
        self._log_seen += len(fresh)
        for mark in SANITIZER_MARKS:
            at = fresh.find(mark)
            if at >= 0:
                line = fresh[at : fresh.find(b"\n", at) if b"\n" in fresh[at:] else None]
                return line.decode("utf-8", "replace")[:200]
        return None

    def config_image(self) -> bytes | None:
        """The emulated device's ``dct.bin`` (None for a board)."""
        if self._device is None:
            return None
        try:
            return (self.state_dir / DCT_FILE).read_bytes()
        except OSError:
            return None

    def _log_path(self) -> Path | None:
        return Path(self._device.log_path) if self._device is not None else None

    def _log_size(self) -> int:
        path = self._log_path()
        return path.stat().st_size if path is not None and path.is_file() else 0
