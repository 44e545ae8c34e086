"""The native virtual device: harken's firmware built for the host, run as a process.

Program contract (``pio run -e native`` → ``.pio/build/native/program``)::

    program --platform photon|p1|electron --state DIR [--listen-timeout SECONDS]
            [--product-id N] [--product-version N] [--power-cut-at BYTES]
            [--softap-port N] [--http-port N]

It keeps ``DIR/identity.txt`` (``key=value`` lines, created unless present) and
``DIR/dct.bin``, reads ``DIR/wifi-env.txt`` (:mod:`harken.emulate.wifi_env`), prints one
JSON line ``{"event":"ready","console":…,"pty":…,"platform":…,"device_id":…,"pid":…,
"fixture":PORT,"testpads":…,"softap":{"tcp":PORT,"http":PORT}}`` on stdout when ready (no
``softap`` on the Electron), logs to stderr and exits 0 on SIGTERM/SIGINT. ``DIR/console`` is
a symlink to the pty slave that stays valid while clients come and go. ``DIR/testpads``
(the ready event's ``testpads``) is a second such pty, the manufacturing test pads
(protocol/test-mode.md): the event log as ``[category] text`` lines, and test-mode frames;
like a UART with nobody on the pads, what the device writes while no client has it open is
lost. The SoftAP listens on 127.0.0.1 (port 0: an ephemeral one, the default) while the
device is in listening mode.
"""

from __future__ import annotations

import json
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from harken.emulate.ready_event import ReadyEventView
from harken.emulate.wifi_env import WifiNetwork, write_wifi_env
from harken.errors import HarkenError
from harken.protocol.platform import platform_by_name

ENV_ROOT = "HARKEN_ROOT"
ENV_PROGRAM = "HARKEN_NATIVE_PROGRAM"
PROGRAM_IN_ROOT = Path(".pio") / "build" / "native" / "program"
IDENTITY_FILE = "identity.txt"
LOG_FILE = "native.log"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
BUILD_TIMEOUT = 1800.0
_DEVICE_ID = re.compile(r"^[0-9a-f]{24}$")

log = logging.getLogger(__name__)


class NativeDeviceError(HarkenError):
    """The virtual device could not be built, started or stopped."""


def find_repo_root() -> Path:
    """The harken checkout: ``$HARKEN_ROOT``, else the first parent of this package that
    holds ``platformio.ini``."""
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "platformio.ini").is_file():
            return parent
    raise NativeDeviceError(
        f"cannot find the harken checkout (no platformio.ini above the package); set {ENV_ROOT}"
    )


def default_program() -> Path:
    """``$HARKEN_NATIVE_PROGRAM``, else ``<repo>/.pio/build/native/program``."""
    env = os.environ.get(ENV_PROGRAM)
    if env:
        return Path(env)
    return find_repo_root() / PROGRAM_IN_ROOT


def _pio_command() -> str:
    beside_python = Path(sys.executable).with_name("pio")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("pio")
    if found is None:
        raise NativeDeviceError("PlatformIO ('pio') is not installed; pip install '.[dev]'")
    return found


def build_native(root: Path | None = None, timeout: float = BUILD_TIMEOUT) -> Path:
    """Run ``pio run -e native`` in the checkout and return the program path."""
    root = root or find_repo_root()
    command = [_pio_command(), "run", "-e", "native"]
    log.info("building the native device in %s", root)
    try:
        result = subprocess.run(
            command,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NativeDeviceError(f"'pio run -e native' took longer than {timeout:.0f} s") from None
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-40:])
        raise NativeDeviceError(f"'pio run -e native' failed ({result.returncode}):\n{tail}")
    program = root / PROGRAM_IN_ROOT
    if not program.is_file():
        raise NativeDeviceError(f"the build finished but {PROGRAM_IN_ROOT} is missing")
    return program


def read_identity(state_dir: Path) -> dict[str, str]:
    """The ``key=value`` lines of ``identity.txt`` (empty if absent)."""
    path = Path(state_dir) / IDENTITY_FILE
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values[key.strip()] = value.strip()
    return values


def seed_identity(state_dir: Path, **values: str) -> None:
    """Set keys of ``identity.txt`` (creating it), keeping the others."""
    for key, value in values.items():
        if "\n" in value or "=" in key or "\n" in key:
            raise ValueError(f"invalid identity entry {key!r}")
    current = read_identity(state_dir)
    current.update(values)
    path = Path(state_dir) / IDENTITY_FILE
    path.write_text("".join(f"{k}={v}\n" for k, v in current.items()), encoding="utf-8")


class NativeDevice(ReadyEventView):
    """Start, stop, kill and restart one virtual device. Use as a context manager."""

    _not_started = NativeDeviceError

    def __init__(
        self,
        state_dir: str | Path,
        platform: str = "photon",
        *,
        device_id: str | None = None,
        listen_timeout: float | None = None,
        product_id: int | None = None,
        product_version: int | None = None,
        power_cut_at: int | None = None,
        softap_port: int | None = None,
        http_port: int | None = None,
        program: str | Path | None = None,
        build: bool | None = None,
        ready_timeout: float = READY_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        extra_args: Sequence[str] = (),
    ) -> None:
        if platform_by_name(platform) is None:
            raise ValueError("platform must be photon, p1 or electron")
        if device_id is not None and not _DEVICE_ID.match(device_id.lower()):
            raise ValueError("device_id must be 24 hex digits")
        if listen_timeout is not None and (listen_timeout < 0 or listen_timeout % 1):
            # The program reads whole seconds (0.5 would silently become 0 = no timeout).
            raise ValueError("listen_timeout must be a whole number of seconds (0 = none)")
        for name, port in (("softap_port", softap_port), ("http_port", http_port)):
            if port is not None and not 0 <= port <= 65535:
                raise ValueError(f"{name} must be 0-65535 (0: an ephemeral port)")
        self.state_dir = Path(state_dir)
        self.platform = platform.lower()
        self.device_id = device_id.lower() if device_id else None
        self.listen_timeout = listen_timeout
        self.product_id = product_id
        self.product_version = product_version
        self.power_cut_at = power_cut_at
        """Passed as ``--power-cut-at`` on the next start; change between restarts."""
        self.softap_port = softap_port
        """``--softap-port`` (TCP) on the next start; None: the program's default, 0."""
        self.http_port = http_port
        """``--http-port`` on the next start; None: the program's default, 0."""
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.extra_args = tuple(extra_args)
        self._program = Path(program) if program is not None else None
        self._build = build
        self._process: subprocess.Popen[bytes] | None = None
        self._info: dict[str, Any] = {}
        self._drain: threading.Thread | None = None
        self._log: IO[bytes] | None = None

    # --- properties ---------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """Process id while running."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """Exit status of the last run, None while running or before the first."""
        return self._process.poll() if self._process is not None else None

    @property
    def log_path(self) -> Path:
        """Where the device's stderr goes (appended across restarts)."""
        return self.state_dir / LOG_FILE

    # --- life cycle ---------------------------------------------------------------------

    def program_path(self) -> Path:
        """The program to run, building it first if needed."""
        if self._program is not None:
            return self._program
        if os.environ.get(ENV_PROGRAM):
            return Path(os.environ[ENV_PROGRAM])
        program = default_program()
        if self._build or (self._build is None and not program.is_file()):
            program = build_native()
        return program

    def command(self) -> list[str]:
        """The command line of the next start."""
        args = [
            str(self.program_path()),
            "--platform",
            self.platform,
            "--state",
            str(self.state_dir),
        ]
        if self.listen_timeout is not None:
            args += ["--listen-timeout", str(int(self.listen_timeout))]
        if self.product_id is not None:
            args += ["--product-id", str(self.product_id)]
        if self.product_version is not None:
            args += ["--product-version", str(self.product_version)]
        if self.power_cut_at is not None:
            args += ["--power-cut-at", str(self.power_cut_at)]
        if self.softap_port is not None:
            args += ["--softap-port", str(self.softap_port)]
        if self.http_port is not None:
            args += ["--http-port", str(self.http_port)]
        return args + list(self.extra_args)

    def set_wifi_environment(self, networks: Iterable[WifiNetwork]) -> Path:
        """Replace the simulated Wi-Fi neighbourhood (atomically; a running device sees it
        at its next scan or join)."""
        return write_wifi_env(self.state_dir, networks)

    def start(self) -> dict[str, Any]:
        """Start the program and wait for its ready line; return the ready event."""
        if self.running:
            raise NativeDeviceError("the device is already running")
        self._close_streams()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self.device_id is not None:
            seed_identity(self.state_dir, device_id=self.device_id)
        command = self.command()
        program = Path(command[0])
        if not program.is_file():
            raise NativeDeviceError(f"native device program not found: {program}")
        self._log = open(self.log_path, "ab")  # closed in _close_streams
        self._log.write(f"--- start {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode())
        self._log.flush()
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._log,
                start_new_session=True,
            )
        except OSError as exc:
            self._close_streams()
            raise NativeDeviceError(f"cannot run {program}: {exc}") from None
        try:
            self._info = self._wait_ready()
        except BaseException:
            self.kill()
            raise
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        log.info("native %s ready on %s", self.platform, self._info.get("console"))
        return self.info

    def _wait_ready(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        deadline = time.monotonic() + self.ready_timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NativeDeviceError(
                        f"the native device was not ready within {self.ready_timeout:.0f} s "
                        f"(log: {self.log_path})"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    code = self.wait(self.stop_timeout)
                    raise NativeDeviceError(
                        f"the native device exited ({code}) before it was ready "
                        f"(log: {self.log_path})"
                    )
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    event = self._event(line)
                    if event is not None and event.get("event") == "ready":
                        if buffer:
                            self._record_stdout(buffer)
                        return event

    def _event(self, line: bytes) -> dict[str, Any] | None:
        self._record_stdout(line + b"\n")
        try:
            value = json.loads(line.decode("utf-8", errors="replace"))
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    def _record_stdout(self, data: bytes) -> None:
        if self._log is not None and not self._log.closed:
            self._log.write(b"[stdout] " + data)
            self._log.flush()

    def _drain_stdout(self) -> None:
        process = self._process
        if process is None or process.stdout is None:
            return
        try:
            for line in process.stdout:  # keeps the pipe from filling up; kept in the log
                self._record_stdout(line)
        except (OSError, ValueError):
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the process to end; return its status, or None on timeout."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def _signal_group(self, signum: int) -> None:
        assert self._process is not None
        try:
            os.killpg(self._process.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float | None = None) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout`` (default ``stop_timeout``); return the
        exit status (0 for a clean stop)."""
        if self._process is None:
            return None
        if self._process.poll() is None:
            self._signal_group(signal.SIGTERM)
            code = self.wait(self.stop_timeout if timeout is None else timeout)
            if code is None:
                log.warning("native device ignored SIGTERM; killing it")
                self._signal_group(signal.SIGKILL)
                self._process.wait()
        self._close_streams()
        return self._process.returncode

    def kill(self) -> int | None:
        """SIGKILL at once, like pulling the power; return the exit status."""
        if self._process is None:
            return None
        if self._process.poll() is None:
            self._signal_group(signal.SIGKILL)
            self._process.wait()
        self._close_streams()
        return self._process.returncode

    def restart(self) -> dict[str, Any]:
        """Stop (if running) and start again with the same state directory."""
        self.stop()
        return self.start()

    def _close_streams(self) -> None:
        if self._drain is not None:
            self._drain.join(timeout=1.0)
            self._drain = None
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> NativeDevice:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
