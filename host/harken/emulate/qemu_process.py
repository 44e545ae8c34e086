"""The ``qemu-system-arm`` process of an emulated device: its command line, free loopback
ports, its four serial sockets connected in order, its stderr (the firmware's semihosted
event log) drained into the device's log, and a kill by pid on every way out.
"""

from __future__ import annotations

import atexit
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from harken.emulate.io_loop import DeviceLog
from harken.errors import HarkenError

QEMU = "qemu-system-arm"
MACHINE = "netduino2"
PORT_RANGE = (20000, 32768)
"""Below the ephemeral range (32768-60999) that client sockets draw from (REPORT §7)."""
CHANNELS = ("console", "bridge", "fixture", "testpads")
"""USART1, USART2, USART3, UART4: the order of the ``-serial`` options (QEMU gives each the
next USART) and of the connects."""
BIND_FAILED = ("Address already in use", "Failed to bind")
CONNECT_RETRY = 0.005


class QemuProcessError(HarkenError):
    """QEMU could not be started, or its channels not connected."""


class PortClash(QemuProcessError):
    """QEMU could not bind one of its ports (another process took it): pick new ones."""


def free_port(taken: set[int] | None = None, attempts: int = 200) -> int:
    """A port on 127.0.0.1 that is free now, from :data:`PORT_RANGE`, not in ``taken``."""
    taken = taken if taken is not None else set()
    for _ in range(attempts):
        port = random.randrange(*PORT_RANGE)
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise QemuProcessError(f"no free port on 127.0.0.1 in {PORT_RANGE[0]}-{PORT_RANGE[1] - 1}")


def qemu_command(
    kernel: Path, ports: Sequence[int], boot_args: Sequence[str], executable: str = QEMU
) -> list[str]:
    """The command line: no display or monitor, semihosting with ``boot_args`` (``key=value``
    words, no spaces), and one ``wait=on`` server socket per channel."""
    for word in boot_args:
        if " " in word or "," in word:
            raise QemuProcessError(f"boot argument {word!r} holds a space or a comma")
    semihosting = ",".join(["enable=on", "target=native", *(f"arg={a}" for a in boot_args)])
    command = [executable, "-M", MACHINE, "-display", "none", "-monitor", "none"]
    command += ["-kernel", str(kernel), "-semihosting-config", semihosting]
    for port in ports:
        command += ["-serial", f"tcp:127.0.0.1:{port},server=on,wait=on,nodelay=on"]
    return command


_RUNNING: set[QemuProcess] = set()
"""Every QEMU not yet reaped: killed at interpreter exit, whatever went wrong."""


@atexit.register
def _kill_stragglers() -> None:
    for process in list(_RUNNING):
        process.kill()


class QemuProcess:
    """One QEMU run. Its stderr goes to ``device_log`` line by line, in a daemon thread."""

    def __init__(self, command: Sequence[str], device_log: DeviceLog) -> None:
        self.command = list(command)
        self._log = device_log
        self._tail: list[str] = []
        self._tail_lock = threading.Lock()
        try:
            self.popen = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in a terminal goes to us, not to QEMU
            )
        except OSError as exc:
            raise QemuProcessError(f"cannot run {self.command[0]}: {exc}") from None
        _RUNNING.add(self)
        self._drain = threading.Thread(target=self._drain_output, daemon=True, name="qemu-log")
        self._drain.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def _drain_output(self) -> None:
        stream = self.popen.stdout
        assert stream is not None
        try:
            for line in stream:
                self._log.write(line)
                with self._tail_lock:
                    self._tail = [*self._tail[-19:], line.decode("utf-8", errors="replace")]
        except (OSError, ValueError):
            pass

    def tail(self) -> str:
        """QEMU's last lines of output (for error messages)."""
        with self._tail_lock:
            return "".join(self._tail).strip()

    def connect(self, ports: Sequence[int], timeout: float) -> list[socket.socket]:
        """Connect to each port in order (QEMU opens the next server socket, and finally
        starts the guest, only once the previous one has its client)."""
        deadline = time.monotonic() + timeout
        sockets: list[socket.socket] = []
        try:
            for port in ports:
                sockets.append(self._connect_one(port, deadline))
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        return sockets

    def _connect_one(self, port: int, deadline: float) -> socket.socket:
        while True:
            code = self.poll()
            if code is not None:
                self._drain.join(1.0)
                tail = self.tail()
                error = PortClash if any(m in tail for m in BIND_FAILED) else QemuProcessError
                raise error(f"QEMU exited ({code}) before its channels were up: {tail}")
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=1.0)
            except (ConnectionRefusedError, TimeoutError):
                if time.monotonic() > deadline:
                    raise QemuProcessError(
                        f"QEMU did not open 127.0.0.1:{port} in time: {self.tail()}"
                    ) from None
                time.sleep(CONNECT_RETRY)
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock

    def wait_exit(self) -> int:
        """Block until QEMU has ended, and return its status. Its output closing wakes this
        up; Popen's own untimed wait would hold the lock that other threads' poll() needs,
        so that ``running`` could read True for a QEMU already gone."""
        self._drain.join()
        while (code := self.wait(1.0)) is None:
            pass
        return code

    def wait(self, timeout: float | None) -> int | None:
        """The exit status, or None if QEMU still runs after ``timeout`` seconds."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _signal(self, signum: int) -> None:
        try:
            os.killpg(self.popen.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def terminate(self, timeout: float) -> int:
        """SIGTERM (QEMU exits 0), then SIGKILL after ``timeout``; the exit status."""
        if self.popen.poll() is None:
            self._signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self._signal(signal.SIGKILL)
                self.popen.wait(timeout=5.0)
        self._finish()
        return self.popen.returncode

    def kill(self) -> int | None:
        """SIGKILL at once; the exit status (None if it could not be reaped)."""
        if self.popen.poll() is None:
            self._signal(signal.SIGKILL)
            if self.wait(5.0) is None:
                return None
        self._finish()
        return self.popen.returncode

    def _finish(self) -> None:
        _RUNNING.discard(self)
        self._drain.join(1.0)
        if self.popen.stdout is not None:
            self.popen.stdout.close()


START_ATTEMPTS = 3


def launch(
    build_command: Callable[[list[int]], list[str]],
    device_log: DeviceLog,
    taken: set[int],
    timeout: float,
) -> tuple[QemuProcess, list[socket.socket]]:
    """Start QEMU on free ports (none of ``taken``) and connect its channels; when another
    process takes a port between picking and binding, start again on new ones."""
    for attempt in range(START_ATTEMPTS):
        ports = [free_port(set(taken)) for _ in CHANNELS]
        process = QemuProcess(build_command(ports), device_log)
        try:
            return process, process.connect(ports, timeout)
        except PortClash:
            process.kill()
            if attempt == START_ATTEMPTS - 1:
                raise
    raise QemuProcessError("unreachable")
