"""The device under test: an emulated device started fresh for each test (native or QEMU),
or a real board on a serial port, seen through the same small surface."""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from harken.emulate.native import ENV_PROGRAM, NativeDevice, NativeDeviceError, build_native
from harken.emulate.wifi_env import WifiNetwork
from harken.protocol.softap.framing import DEFAULT_TCP_PORT
from harken.protocol.softap.http_framing import DEFAULT_HTTP_PORT
from harken.pytest_plugin.capabilities import (
    CAPABILITIES,
    RADIO_SIM,
    SOFTAP,
    capabilities_for,
)
from harken.pytest_plugin.console_wire import ensure_listening
from harken.pytest_plugin.options import DutSpec
from harken.transport.serial_port import SerialPort

LOCALHOST = "127.0.0.1"
QEMU_MODULE = "harken.emulate.qemu"

log = logging.getLogger(__name__)


class EmulatedDevice(Protocol):
    """What the plugin uses of :class:`~harken.emulate.native.NativeDevice` and of the QEMU
    runner, which has the same surface."""

    @property
    def console(self) -> str: ...

    @property
    def softap_tcp_port(self) -> int | None: ...

    @property
    def softap_http_port(self) -> int | None: ...

    @property
    def fixture_port(self) -> int | None: ...

    @property
    def running(self) -> bool: ...

    def start(self) -> dict[str, Any]: ...

    def stop(self, timeout: float | None = None) -> int | None: ...

    def kill(self) -> int | None: ...

    def set_wifi_environment(self, networks: Iterable[WifiNetwork]) -> Path: ...


class DutUnavailable(Exception):
    """The selected kind of DUT cannot be started here (the reason says why)."""


def lacking(spec: DutSpec, capabilities: frozenset[str], needed: Iterable[str]) -> str | None:
    """A skip reason naming the first needed capability the DUT lacks, or None."""
    for name in needed:
        if name not in capabilities:
            what = CAPABILITIES.get(name, "unknown capability")
            return f"needs capability '{name}' ({what}); the DUT ({spec.describe()}) lacks it"
    return None


@dataclass
class DeviceUnderTest:
    """One DUT as a conformance test sees it.

    ``console`` is a pyserial URL; the SoftAP is at ``softap_host`` on ``softap_tcp_port``
    and ``softap_http_port`` when the DUT has the ``softap`` capability; ``device`` is the
    emulated device object (None for a real board).
    """

    spec: DutSpec
    capabilities: frozenset[str]
    console: str
    softap_host: str | None = None
    softap_tcp_port: int | None = None
    softap_http_port: int | None = None
    device: EmulatedDevice | None = field(default=None, repr=False)
    state_dir: Path | None = None
    port: SerialPort | None = field(default=None, repr=False)
    """The console, opened at start and kept open until :meth:`stop` (``dut_console``
    uses it: closing and reopening a port between fixtures could lose or replay bytes)."""

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def platform(self) -> str:
        return self.spec.platform

    def has(self, capability: str) -> bool:
        """Whether the DUT has ``capability``."""
        return capability in self.capabilities

    def require(self, *capabilities: str) -> None:
        """Skip the running test unless the DUT has every one of ``capabilities``."""
        reason = lacking(self.spec, self.capabilities, capabilities)
        if reason is not None:
            pytest.skip(reason)

    def set_wifi_environment(self, networks: Iterable[WifiNetwork]) -> None:
        """Replace the networks the simulated radio sees (capability ``radio_sim``)."""
        self.require(RADIO_SIM)
        assert self.device is not None
        self.device.set_wifi_environment(list(networks))

    def stop(self) -> None:
        """Close the console; stop an emulated device (SIGKILL if a clean stop fails)."""
        if self.port is not None:
            self.port.close()
        if self.device is None:
            return
        try:
            self.device.stop(2.0)
        except Exception:  # noqa: BLE001 - a failing stop must not leave a process behind
            log.exception("stopping the DUT failed; killing it")
            self.device.kill()


class WifiEnvironment:
    """The simulated Wi-Fi neighbourhood of the DUT (capability ``radio_sim``)."""

    def __init__(self, dut: DeviceUnderTest) -> None:
        self._dut = dut
        self.networks: tuple[WifiNetwork, ...] = ()

    def set(self, networks: Iterable[WifiNetwork]) -> None:
        """Replace the networks the device sees; it notices at its next scan or join."""
        self.networks = tuple(networks)
        self._dut.set_wifi_environment(self.networks)


def native_program(build_dir: Path) -> Path:
    """``$HARKEN_NATIVE_PROGRAM``, else ``pio run -e native`` once, copied into
    ``build_dir`` so that a rebuild of the checkout during the run cannot pull it away.
    A failing build is an error, not a skip."""
    override = os.environ.get(ENV_PROGRAM)
    if override:
        program = Path(override)
        if not program.is_file():
            raise NativeDeviceError(f"{ENV_PROGRAM} names a missing file: {program}")
        return program
    copy = build_dir / "program"
    shutil.copy2(build_native(), copy)
    return copy


def qemu_image(module: Any, platform: str, build_dir: Path) -> Path | None:
    """The platform's QEMU image, built only if missing (``pio run`` of the ARM image is
    slow and another build of the checkout may be running), copied into ``build_dir``;
    None if the runner has no image helpers (it then finds the image itself)."""
    locate = getattr(module, "image_path", None)
    build = getattr(module, "build_qemu_image", None)
    if locate is None or build is None:
        return None
    image = Path(locate(platform))
    if not image.is_file():
        image = Path(build(platform))
    copy = build_dir / f"{platform}-{image.name}"
    shutil.copy2(image, copy)
    return copy


def qemu_module() -> Any:
    """``harken.emulate.qemu``, imported on first use."""
    try:
        return importlib.import_module(QEMU_MODULE)
    except ImportError as exc:
        raise DutUnavailable(
            f"--dut qemu needs {QEMU_MODULE}, which cannot be imported here ({exc})"
        ) from None


def qemu_device_class() -> type[Any]:
    """``harken.emulate.qemu.QemuDevice``."""
    device_class = getattr(qemu_module(), "QemuDevice", None)
    if device_class is None:
        raise DutUnavailable(f"{QEMU_MODULE} has no QemuDevice")
    return device_class  # type: ignore[no-any-return]


def declared_capabilities(device_class: type[Any]) -> Sequence[str]:
    """What an emulated device class says it can do (its ``capabilities`` attribute)."""
    declared = getattr(device_class, "capabilities", ())
    return [c for c in declared if isinstance(c, str)] if not callable(declared) else []


def dut_capabilities(spec: DutSpec) -> frozenset[str]:
    """The DUT's capabilities, known before any device starts."""
    declared: Sequence[str] = ()
    if spec.kind == "qemu":
        try:
            declared = declared_capabilities(qemu_device_class())
        except DutUnavailable:
            declared = ()
    return capabilities_for(
        spec.kind,
        spec.platform,
        softap_reachable=spec.kind != "serial" or spec.softap_host is not None,
        declared=declared,
    )


class DutLauncher:
    """Starts DUTs of one kind for a whole session: builds what needs building once."""

    def __init__(self, spec: DutSpec, build_dir: Path) -> None:
        self.spec = spec
        self.capabilities = dut_capabilities(spec)
        self._build_dir = build_dir
        self._program: Path | None = None
        self._qemu_class: type[Any] | None = None
        self._qemu_kwargs: dict[str, Any] = {}
        self.started: list[DeviceUnderTest] = []
        if spec.kind == "native":
            self._program = native_program(build_dir)
        elif spec.kind == "qemu":
            self._qemu_class = qemu_device_class()
            image = qemu_image(qemu_module(), spec.platform, build_dir)
            if image is not None and "image" in inspect.signature(self._qemu_class).parameters:
                self._qemu_kwargs["image"] = image

    def _emulated(self, state_dir: Path) -> EmulatedDevice:
        if self._program is not None:
            return NativeDevice(state_dir, self.spec.platform, program=self._program)
        assert self._qemu_class is not None
        device: EmulatedDevice = self._qemu_class(
            state_dir, self.spec.platform, **self._qemu_kwargs
        )
        return device

    def start(self, state_dir: Path) -> DeviceUnderTest:
        """A started DUT in listening mode (state in ``state_dir`` for emulated ones)."""
        if self.spec.kind == "serial":
            assert self.spec.port is not None
            dut = DeviceUnderTest(self.spec, self.capabilities, console=self.spec.port)
            if SOFTAP in self.capabilities:
                dut.softap_host = self.spec.softap_host
                dut.softap_tcp_port = DEFAULT_TCP_PORT
                dut.softap_http_port = DEFAULT_HTTP_PORT
        else:
            state_dir.mkdir(parents=True, exist_ok=True)
            device = self._emulated(state_dir)
            dut = DeviceUnderTest(
                self.spec, self.capabilities, console="", device=device, state_dir=state_dir
            )
            self.started.append(dut)
            device.start()
            dut.console = device.console
            if SOFTAP in self.capabilities:
                dut.softap_host = LOCALHOST
                dut.softap_tcp_port = device.softap_tcp_port
                dut.softap_http_port = device.softap_http_port
        try:
            dut.port = SerialPort(dut.console)
            ensure_listening(dut.port)
        except BaseException:
            dut.stop()
            raise
        return dut

    def kill_stragglers(self) -> None:
        """Kill every emulated device still running (end of session)."""
        for dut in self.started:
            if dut.device is not None and dut.device.running:
                dut.device.kill()
