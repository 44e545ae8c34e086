"""The QEMU device: harken's Cortex-M3 image on ``qemu-system-arm -M netduino2``, with the host
side of its channels. Same surface as :class:`harken.emulate.native.NativeDevice`.

The image (``pio run -e qemu|qemu_p1|qemu_electron`` → ``.pio/build/<env>/firmware.elf``)
reads its DCT file, update file, device id, MAC and entropy seed from semihosting arguments and
talks on four USARTs, each a QEMU server socket on 127.0.0.1 that this class connects in order:

- USART1, the console: relayed to a pty (``STATE/console``, a stable symlink, like the native
  device's) and to a ``socket://`` port; a client's bit rate reaches the device as
  ``BAUD <rate>`` on the fixture channel, so the 28800-baud trick works.
- USART2, the network bridge (protocol/qemu-bridge.md): SoftAP TCP and HTTP clients on
  127.0.0.1 ports, relayed while the device says its AP is up (Photon and P1).
- USART3, the fixture channel (protocol/qemu-fixture.md): ``HELLO harken-fixture 1`` marks the
  device ready; lines both ways, among them the networks of the simulated radio.
- UART4, the manufacturing test pads (protocol/test-mode.md): the event log as text lines and
  test-mode frames, relayed like the console to a pty (``STATE/testpads``) and a ``socket://``
  port (ready event: ``testpads``, ``testpads_url``), with no line coding.

QEMU's output (the firmware's ``[category] text`` event log) goes to ``STATE/qemu.log``.

The Wi-Fi neighbourhood is ``STATE/wifi-env.txt``, as for the native device
(:mod:`harken.emulate.wifi_env`): :meth:`QemuDevice.set_wifi_environment` replaces it and
sends it to a running device; the file is read at every start and sent right after every
boot greeting (a start, a restart, a reboot of the firmware), before the device is ready. A
change made to the file by hand reaches a running device at its next boot.

A firmware update the guest hands over (:mod:`harken.emulate.qemu_bootloader`) is installed to
``STATE/firmware.bin``, which later starts boot instead of the build's image (unless ``image=``
was given), and the device is started again on the same state, id and ports (the console's pty
may change; ``STATE/console`` follows it).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from harken.emulate.fixture_port import FixturePort
from harken.emulate.io_loop import DeviceLog, IoLoop
from harken.emulate.qemu_bootloader import Bootloader, UpdateView
from harken.emulate.qemu_console import ConsoleRelay
from harken.emulate.qemu_fixture import (
    FixtureChannel,
    FixtureLost,
    check_wifi_answers,
    wait_answers,
)
from harken.emulate.qemu_identity import DEVICE_ID, boot_arguments, boot_device_id
from harken.emulate.qemu_image import ENV_BUILD_DIR as ENV_BUILD_DIR  # the module's API
from harken.emulate.qemu_image import (
    ENVS,
    QemuDeviceError,
    build_qemu_image,
    image_path,
)
from harken.emulate.qemu_process import QemuProcess, free_port, launch, qemu_command
from harken.emulate.qemu_softap import BridgeStats, SoftApRelay
from harken.emulate.qemu_update import OTA_FILE
from harken.emulate.qemu_wifi import RadioEnvironment
from harken.emulate.ready_event import ReadyEventView
from harken.emulate.wifi_env import WifiNetwork
from harken.protocol.bridge import Service
from harken.protocol.platform import platform_by_name

NO_SOFTAP = {"electron"}
LOG_FILE = "qemu.log"
DCT_FILE = "dct.bin"
CONSOLE_LINK = "console"
TEST_PADS_LINK = "testpads"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
LOOP_TIMEOUT = 5.0
_SEED = re.compile(r"^([0-9a-f]{2}){1,32}$")

log = logging.getLogger(__name__)


class QemuDevice(ReadyEventView, UpdateView, RadioEnvironment):
    """Start, stop, kill and restart one QEMU device. Use as a context manager."""

    _not_started = QemuDeviceError

    def __init__(
        self,
        state_dir: str | Path,
        platform: str = "photon",
        *,
        device_id: str | None = None,
        seed: str | None = None,
        softap_port: int | None = None,
        http_port: int | None = None,
        console_port: int | None = None,
        image: str | Path | None = None,
        build: bool | None = None,
        ready_timeout: float = READY_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        qemu: str = "qemu-system-arm",
        extra_args: Sequence[str] = (),
    ) -> None:
        known = platform_by_name(platform)
        if known is None or platform.lower() not in ENVS:
            raise ValueError("platform must be photon, p1 or electron")
        if device_id is not None and not DEVICE_ID.match(device_id.lower()):
            raise ValueError("device_id must be 24 hex digits")
        if seed is not None and not _SEED.match(seed.lower()):
            raise ValueError("seed must be 1-32 bytes in hex")
        for name, port in (
            ("softap_port", softap_port),
            ("http_port", http_port),
            ("console_port", console_port),
        ):
            if port is not None and not 0 <= port <= 65535:
                raise ValueError(f"{name} must be 0-65535 (0: any free port)")
        self.state_dir = Path(state_dir).absolute()
        self.platform = platform.lower()
        self.device_id = device_id.lower() if device_id else None
        self.seed = seed.lower() if seed else None
        """The entropy seed of every start; None: a fresh random one each time."""
        self.softap_port = softap_port
        """The SoftAP's TCP port on 127.0.0.1; None or 0: a free one, kept across restarts."""
        self.http_port = http_port
        """The SoftAP's HTTP port on 127.0.0.1; None or 0: a free one, kept across restarts."""
        self.console_port = console_port
        """The console's ``socket://`` port; None or 0: a free one, kept across restarts."""
        self._bench_port = 0
        """The bench's port on 127.0.0.1 (protocol/fixture.md): a free one, kept."""
        self._test_pads_port = 0
        """The test pads' ``socket://`` port on 127.0.0.1: a free one, kept."""
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.qemu = qemu
        self.extra_args = list(extra_args)
        """More QEMU options (e.g. a TCG plugin for the benchmarks)."""
        self._image = Path(image) if image is not None else None
        self._build = build
        self._info: dict[str, Any] = {}
        self._process: QemuProcess | None = None
        self._loop: IoLoop | None = None
        self._log: DeviceLog | None = None
        self._console: ConsoleRelay | None = None
        self._test_pads: ConsoleRelay | None = None
        self._softap: SoftApRelay | None = None
        self._fixture: FixtureChannel | None = None
        self._bench: FixturePort | None = None
        self._transports: list[asyncio.BaseTransport] = []
        self._wifi_env: list[WifiNetwork] = []
        self._lock = threading.RLock()  # a start, stop, kill or the bootloader at a time
        self._bootloader = Bootloader(self.state_dir, known.platform_id, self.log_path)

    # --- properties ---------------------------------------------------------------------

    @property
    def serial_url(self) -> str:
        """The console as ``socket://127.0.0.1:PORT`` (no bit rate: no 28800 trick)."""
        if "serial_url" not in self._info:
            raise QemuDeviceError("the device has not been started")
        return str(self._info["serial_url"])

    @property
    def pid(self) -> int | None:
        """QEMU's process id while running."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether QEMU is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """QEMU's exit status of the last run, None while running or before the first."""
        return self._process.poll() if self._process is not None else None

    @property
    def log_path(self) -> Path:
        """QEMU's output and the firmware's event log (appended across restarts)."""
        return self.state_dir / LOG_FILE

    @property
    def ap_up(self) -> bool:
        """Whether the relay listens for SoftAP clients (the device's AP is up)."""
        return self._softap is not None and self._softap.listening

    @property
    def bridge_stats(self) -> BridgeStats:
        """Frames across the bridge in the current run."""
        if self._softap is None:
            return BridgeStats()
        return self._softap.stats

    # --- the image and its updates -------------------------------------------------------

    def image_path(self) -> Path:
        """The given image, else the build's ELF (built first if needed): what runs when no
        update is installed."""
        if self._image is not None:
            return self._image
        image = image_path(self.platform)
        if self._build or (self._build is None and not image.is_file()):
            image = build_qemu_image(self.platform)
        return image

    # --- the fixture channel ------------------------------------------------------------

    def fixture_request(self, line: str, timeout: float) -> str:
        """Send one command line and return its own answer (answers are matched to commands
        in order, so one to the runner's own ``BAUD`` lines cannot be taken for it)."""
        if self._fixture is None:
            raise QemuDeviceError("the device has not been started")
        return self._fixture.request([line], timeout)[0]

    @property
    def fixture_lines(self) -> list[str]:
        """Every line the device sent on the fixture channel in this run."""
        return self._fixture.lines if self._fixture is not None else []

    def wait_for_fixture_line(self, pattern: str, timeout: float, *, start: int = 0) -> str:
        """The first fixture line from index ``start`` matching the regular expression."""
        if self._fixture is None:
            raise QemuDeviceError("the device has not been started")
        return self._fixture.wait_for_line(pattern, timeout, start=start)

    def wait_ap(self, up: bool, timeout: float) -> bool:
        """Wait until the relay listens for SoftAP clients (``up``) or stops."""
        if self._softap is None:
            return not up
        return self._softap.wait_listening(up, timeout)

    # --- life cycle ---------------------------------------------------------------------

    def _resolve_ports(self) -> None:
        taken: set[int] = set()
        if not self.console_port:
            self.console_port = free_port(taken)
        if not self._test_pads_port:
            self._test_pads_port = free_port(taken)
        if self.platform not in NO_SOFTAP:
            if not self.softap_port:
                self.softap_port = free_port(taken)
            if not self.http_port:
                self.http_port = free_port(taken)

    def start(self) -> dict[str, Any]:
        """Start QEMU, connect its channels and wait until the firmware greets on the
        fixture channel; return the ready event."""
        with self._lock:
            return self._start()

    def _start(self) -> dict[str, Any]:
        if self.running:
            raise QemuDeviceError("the device is already running")
        self._teardown()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        dct, ota = self.state_dir / DCT_FILE, self.state_dir / OTA_FILE
        if len(str(dct)) > 255 or any(c in str(dct) for c in " ,"):  # ota's is as long
            raise QemuDeviceError(
                f"the state folder's path must be short and hold no spaces or commas: {dct}"
            )
        image, passed_over = self._bootloader.boot_image(self._image is not None, self.image_path)
        if not image.is_file():
            raise QemuDeviceError(f"QEMU image not found: {image}")
        device_id = boot_device_id(self.state_dir, self.device_id)
        self._resolve_ports()
        self._wifi_env = self._read_wifi_env()
        self._log = DeviceLog(self.log_path)
        self._log.write(f"--- start {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode())
        if passed_over:
            self._bootloader.note(passed_over, logging.WARNING)
        boot_args = boot_arguments(
            self.state_dir, dct, ota, device_id, self.seed, cellular=self.platform in NO_SOFTAP
        )
        began = time.monotonic()
        sockets: list[socket.socket] = []
        try:
            sockets = self._launch(image, boot_args)
            self._loop = IoLoop(f"qemu-{device_id[-6:]}")
            self._loop.run(self._attach(sockets), LOOP_TIMEOUT)
            assert self._fixture is not None
            if not self._fixture.wait_for_hello(1, self.ready_timeout):
                code = self._process.poll() if self._process is not None else None
                what = f"QEMU exited ({code})" if code is not None else "no greeting"
                raise QemuDeviceError(
                    f"the firmware did not greet on the fixture channel within "
                    f"{self.ready_timeout:.0f} s: {what} (log: {self.log_path})"
                )
            try:
                check_wifi_answers(wait_answers(self._fixture.boot_answers, self.ready_timeout))
            except FixtureLost as exc:
                raise QemuDeviceError(f"sending the Wi-Fi environment: {exc}") from None
        except BaseException:
            self.kill()
            for sock in sockets:
                sock.close()
            raise
        ready_ms = (time.monotonic() - began) * 1000
        assert self._process is not None
        self._info = {
            "event": "ready",
            "console": str(self.state_dir / CONSOLE_LINK),
            "pty": self._console.pty.slave_path if self._console else None,
            "serial_url": f"socket://127.0.0.1:{self.console_port}",
            "testpads": str(self.state_dir / TEST_PADS_LINK),
            "testpads_url": f"socket://127.0.0.1:{self._test_pads_port}",
            "fixture": self._bench_port,
            "platform": self.platform,
            "device_id": device_id,
            "pid": self._process.pid,
            "image": str(image),
            "ready_ms": round(ready_ms, 1),
        }
        if self._softap is not None:
            self._info["softap"] = {
                "tcp": self._softap.ports[Service.SIMPLE],
                "http": self._softap.ports[Service.HTTP],
            }
        log.info("qemu %s ready in %.0f ms on %s", self.platform, ready_ms, self.console)
        self._bootloader.watch(self._process, self._after_update)
        return self.info

    def _after_update(self, process: QemuProcess) -> None:
        """The guest handed an update over (bootloader thread): install it, start again."""
        with self._lock:
            if process is not self._process or not self._bootloader.settle(process):
                return  # a stop, kill or start came first and settled it
            try:
                self._start()
            except Exception as exc:  # noqa: BLE001 - handed to wait_for_update
                log.error("starting the QEMU device again after the update: %s", exc)
                self._bootloader.relaunched(exc)
            else:
                self._bootloader.relaunched(None)

    def _launch(self, image: Path, boot_args: list[str]) -> list[socket.socket]:
        assert self._log is not None
        ours = (self.console_port, self._test_pads_port, self.softap_port, self.http_port)
        taken = {p for p in ours if p}
        self._process, sockets = launch(
            lambda ports: qemu_command(image, ports, boot_args, self.qemu) + self.extra_args,
            self._log,
            taken,
            self.ready_timeout,
        )
        return sockets

    async def _attach(self, sockets: list[socket.socket]) -> None:
        assert self._loop is not None and self._log is not None
        loop = asyncio.get_running_loop()
        console_sock, bridge_sock, fixture_sock, test_pads_sock = sockets
        self._fixture = FixtureChannel(self._log, loop, self._boot_lines)
        self._console = ConsoleRelay(loop, self.state_dir / CONSOLE_LINK, self._line_coding)
        # Always read, whether or not anyone listens: a UART4 nobody drains stalls the guest.
        self._test_pads = ConsoleRelay(loop, self.state_dir / TEST_PADS_LINK, None)
        bridge: asyncio.Protocol = asyncio.Protocol()  # no AP (Electron): only drained
        if self.platform not in NO_SOFTAP:
            tcp, http = (self.softap_port or 0), (self.http_port or 0)
            self._softap = SoftApRelay(loop, tcp, http)
            bridge = self._softap.usart
        for sock, protocol in (
            (fixture_sock, self._fixture),
            (console_sock, self._console.usart),
            (bridge_sock, bridge),
            (test_pads_sock, self._test_pads.usart),
        ):
            transport, _ = await loop.create_connection(lambda p=protocol: p, sock=sock)
            self._transports.append(transport)
        self.console_port = await self._console.serve_socket(self.console_port or 0)
        self._test_pads_port = await self._test_pads.serve_socket(self._test_pads_port)
        self._bench = FixturePort(loop, self._fixture)
        self._bench_port = await self._bench.serve(self._bench_port)

    def _line_coding(self, rate: int) -> None:
        if self._fixture is not None and rate > 0:
            self._fixture.write_now(f"BAUD {rate}")

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for QEMU to end; its status, or None on timeout."""
        if self._process is None:
            return None
        return self._process.wait(timeout)

    def stop(self, timeout: float | None = None) -> int | None:
        """SIGTERM QEMU (SIGKILL after ``timeout``), close every channel and join the I/O
        thread; the exit status (0 for a clean stop). An update QEMU handed over just before
        is still installed, but the device is not started again."""
        with self._lock:
            if self._process is None:
                return None
            code = self._process.terminate(self.stop_timeout if timeout is None else timeout)
            self._teardown()
            return code

    def kill(self) -> int | None:
        """SIGKILL QEMU at once, like pulling the power; then close everything. Installs
        nothing, unless QEMU had already ended handing an update over."""
        with self._lock:
            code = self._process.kill() if self._process is not None else None
            self._teardown()
            return code

    def restart(self) -> dict[str, Any]:
        """Stop (if running) and start again with the same state and ports."""
        with self._lock:
            self.stop()
            return self._start()

    def _teardown(self) -> None:
        if self._process is not None:
            self._bootloader.settle(self._process)  # QEMU ended with an update: install it
        if self._loop is not None:
            try:
                self._loop.run(self._close_channels(), LOOP_TIMEOUT)
            except (TimeoutError, RuntimeError) as exc:
                log.warning("closing the QEMU device's channels: %s", exc)
            self._loop.stop(LOOP_TIMEOUT)
            self._loop = None
        self._transports = []
        self._console = self._test_pads = self._softap = self._fixture = self._bench = None
        if self._log is not None:
            self._log.close()
            self._log = None

    async def _close_channels(self) -> None:
        if self._bench is not None:
            self._bench.close()
        if self._softap is not None:
            self._softap.close()
        if self._console is not None:
            self._console.close()
        if self._test_pads is not None:
            self._test_pads.close()
        for transport in self._transports:
            transport.abort()
        self._transports.clear()
        await asyncio.sleep(0)  # let the aborts run their callbacks

    def __enter__(self) -> QemuDevice:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
