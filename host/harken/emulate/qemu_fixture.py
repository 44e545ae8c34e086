"""The fixture channel of the QEMU device (USART3): a line protocol, LF-terminated.

Host → device: ``BAUD <rate>`` (a client set the console's bit rate: 28800 enters listening
mode), and whatever the firmware's fixture contract adds (button, ...). Device → host:
``HELLO harken-fixture 1`` at boot, then status lines. Every line the device sends is kept
(and logged) so tests can wait for one.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time

from harken.emulate.io_loop import DeviceLog

FIXTURE_HELLO = "HELLO harken-fixture 1"
MAX_LINE = 4096


class FixtureChannel(asyncio.Protocol):
    """Reads lines from the device, sends lines to it. Thread-safe where noted."""

    def __init__(self, device_log: DeviceLog, loop: asyncio.AbstractEventLoop) -> None:
        self._log = device_log
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._partial = b""
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self.hellos = 0

    # --- asyncio.Protocol (loop thread) -------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._partial += data
        *lines, self._partial = self._partial.split(b"\n")
        if len(self._partial) > MAX_LINE:
            lines.append(self._partial)
            self._partial = b""
        if not lines:
            return
        texts = [line.rstrip(b"\r").decode("utf-8", errors="replace") for line in lines]
        self._log.write(b"".join(b"[fixture] " + t.encode() + b"\n" for t in texts))
        with self._changed:
            self._lines.extend(texts)
            self.hellos += sum(1 for t in texts if t == FIXTURE_HELLO)
            self._changed.notify_all()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def write_now(self, line: str) -> None:
        """Send one line (loop thread only)."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(line.encode() + b"\n")

    # --- any thread ---------------------------------------------------------------------

    def send_line(self, line: str) -> None:
        """Send ``line`` (no newline in it) to the device."""
        if "\n" in line or "\r" in line:
            raise ValueError("a fixture line holds no line breaks")
        try:
            self._loop.call_soon_threadsafe(self.write_now, line)
        except RuntimeError:  # the loop has closed: the device is stopping
            pass

    @property
    def lines(self) -> list[str]:
        """Every line the device sent so far."""
        with self._changed:
            return list(self._lines)

    def wait_for_line(self, pattern: str, timeout: float, *, start: int = 0) -> str:
        """The first line from index ``start`` on that matches the regular expression
        ``pattern``; :class:`TimeoutError` after ``timeout`` seconds."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self._lines[start:]:
                    if regex.search(line):
                        return line
                start = max(start, len(self._lines))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no fixture line matching {pattern!r} in {timeout:.1f} s")
                self._changed.wait(remaining)

    def wait_for_hello(self, count: int, timeout: float) -> bool:
        """Whether ``count`` HELLOs have arrived within ``timeout`` seconds (False at once
        when the channel closes: QEMU has gone)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.hellos < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    return False
                self._changed.wait(remaining)
            return True
