"""The unit on the station: a real board's test-pads UART, or an emulated device the station
starts itself on the unit's own state folder (kept afterwards, so the unit still "exists" for
``harken mfg batch``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from harken.dut_choice import DutChoice
from harken.emulate.native import NativeDevice
from harken.emulate.qemu import QemuDevice, build_qemu_image, image_path
from harken.emulate.ready_event import read_ready_file, remove_ready_file, write_ready_file
from harken.emulate.wifi_env import WifiNetwork, write_wifi_env
from harken.errors import HarkenError

DEFAULT_STATE_ROOT = Path(".harken/units")
"""Where emulated units keep their state, one folder per serial number."""
SERIAL_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class DutError(HarkenError):
    """The unit could not be reached or started."""


def check_serial_number(serial_number: str) -> str:
    """A serial number is 1-64 letters, digits, '_', '.', '-' (it names a state folder)."""
    if not SERIAL_NUMBER.match(serial_number):
        raise ValueError(
            f"serial number {serial_number!r}: use 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return serial_number


class StationDut:
    """A unit's connections: ``test_pads`` (a pyserial port), ``fixture_port`` (emulated
    only) and ``pid`` (of an emulated device's process)."""

    emulated = False

    def __init__(self, serial_number: str) -> None:
        self.serial_number = serial_number

    @property
    def test_pads(self) -> str:
        raise NotImplementedError

    @property
    def fixture_port(self) -> int | None:
        return None

    @property
    def pid(self) -> int | None:
        return None

    def start(self) -> None:
        """Power the unit up (emulated) or do nothing (a real board is already powered)."""

    def stop(self) -> None:
        """Power the unit down (emulated)."""

    def kill(self) -> None:
        self.stop()


class SerialDut(StationDut):
    """A real board on the station's test-pads adapter."""

    def __init__(self, serial_number: str, port: str) -> None:
        super().__init__(serial_number)
        self._port = port

    @property
    def test_pads(self) -> str:
        return self._port


class EmulatedDut(StationDut):
    """A native or QEMU device on ``state_root/<serial number>``."""

    emulated = True

    def __init__(
        self,
        serial_number: str,
        kind: str,
        state_root: Path,
        platform: str,
        networks: tuple[WifiNetwork, ...],
        *,
        program: Path | None = None,
        qemu_image: Path | None = None,
    ) -> None:
        super().__init__(serial_number)
        self.state_dir = Path(state_root).absolute() / serial_number
        self.networks = networks
        self.device: NativeDevice | QemuDevice
        if kind == "native":
            self.device = NativeDevice(self.state_dir, platform, program=program)
        elif kind == "qemu":
            self.device = QemuDevice(self.state_dir, platform, image=qemu_image)
        else:
            raise ValueError(f"{kind!r} is not an emulated DUT")

    @property
    def test_pads(self) -> str:
        path = self.device.test_pads
        if path is None:
            raise DutError(
                "the emulated device announced no test pads (its program predates test mode?)"
            )
        return path

    @property
    def fixture_port(self) -> int | None:
        return self.device.fixture_port

    @property
    def pid(self) -> int | None:
        return self.device.pid

    def start(self) -> None:
        running = _running_pid(self.state_dir)
        if running is not None:
            raise DutError(
                f"an emulated device is already running on {self.state_dir} (pid {running}): "
                "stop it first"
            )
        write_wifi_env(self.state_dir, self.networks)
        try:
            info = self.device.start()
        except HarkenError as exc:
            raise DutError(f"cannot start the emulated unit: {exc}") from None
        write_ready_file(self.state_dir, info)  # other harken commands (and clean-ups) find it

    def stop(self) -> None:
        if self.device.pid is None:
            return  # never started: a ready file there is another device's
        try:
            self.device.stop()
        finally:
            remove_ready_file(self.state_dir)

    def kill(self) -> None:
        if self.device.pid is None:
            return
        try:
            self.device.kill()
        finally:
            remove_ready_file(self.state_dir)


def _running_pid(state_dir: Path) -> int | None:
    """The process of a device still running on ``state_dir`` (a ``harken emulate``, or a
    station that was killed), if any."""
    try:
        pid = read_ready_file(state_dir).get("pid")
    except HarkenError:
        return None
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def emulation_files(
    kinds: set[str], platform: str, program: Path | None, qemu_image: Path | None
) -> tuple[Path | None, Path | None]:
    """The native program and the QEMU image the units will run, built now if missing (once,
    before the units start in parallel)."""
    if "native" in kinds and program is None:
        program = NativeDevice(Path("."), platform).program_path()
    if "qemu" in kinds and qemu_image is None:
        qemu_image = image_path(platform)
        if not qemu_image.is_file():
            qemu_image = build_qemu_image(platform)
    return program, qemu_image


def make_dut(
    serial_number: str,
    choice: DutChoice,
    *,
    platform: str,
    networks: tuple[WifiNetwork, ...],
    state_root: Path = DEFAULT_STATE_ROOT,
    program: Path | None = None,
    qemu_image: Path | None = None,
) -> StationDut:
    """The DUT for ``--dut`` ``choice``."""
    if choice.kind == "serial":
        assert choice.port is not None
        return SerialDut(serial_number, choice.port)
    return EmulatedDut(
        serial_number,
        choice.kind,
        state_root,
        platform,
        networks,
        program=program,
        qemu_image=qemu_image,
    )
