"""A serial byte stream opened from any pyserial URL, with the console's read patterns.

Accepted URLs: device paths (``/dev/ttyACM0``, a pty slave or a symlink to one),
``socket://host:port``, ``rfc2217://host:port`` and anything else ``serial_for_url`` knows.
The port is opened at 9600 baud with DTR asserted (a Particle device drops console output
while DTR is low). Logging records sizes only, never the bytes: replies can echo secrets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from types import TracebackType

import serial

from harken.errors import HarkenError

CONSOLE_BAUD = 9600
BATCH_SILENCE = 0.25
"""particle-cli ends a reply after 250 ms without new bytes."""
POLL_INTERVAL = 0.02

log = logging.getLogger(__name__)


class TransportError(HarkenError):
    """The port could not be opened, read or written."""


class ReadTimeout(HarkenError, TimeoutError):
    """The expected bytes did not arrive in time. ``received`` holds what did arrive (it is
    deliberately not part of the message)."""

    def __init__(self, message: str, received: bytes = b"") -> None:
        super().__init__(message)
        self.received = received


class SerialPort:
    """A byte stream to a device console, with a look-ahead buffer.

    Bytes read past a match are kept for the next read, so dialogs can be followed reply by
    reply. Use as a context manager or call :meth:`close`.
    """

    def __init__(self, url: str, baudrate: int = CONSOLE_BAUD, *, open_now: bool = True) -> None:
        self._url = url
        self._baudrate = baudrate
        self._serial: serial.SerialBase | None = None
        self._pending = bytearray()
        if open_now:
            self.open()

    @property
    def url(self) -> str:
        """The URL or path the port was opened from."""
        return self._url

    @property
    def is_open(self) -> bool:
        """Whether the port is open."""
        return self._serial is not None and self._serial.is_open

    def open(self) -> None:
        """Open (or reopen) the port at the configured baud rate with DTR asserted."""
        if self.is_open:
            return
        try:
            port = serial.serial_for_url(
                self._url, baudrate=self._baudrate, timeout=POLL_INTERVAL, do_not_open=True
            )
            port.dtr = True
            port.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise TransportError(f"cannot open {self._url}: {exc}") from None
        self._serial = port
        self._pending.clear()
        log.debug("opened %s at %d baud", self._url, self._baudrate)

    def close(self) -> None:
        """Close the port (idempotent)."""
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None
                self._pending.clear()
            log.debug("closed %s", self._url)

    def __enter__(self) -> SerialPort:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _port(self) -> serial.SerialBase:
        if self._serial is None or not self._serial.is_open:
            raise TransportError(f"{self._url} is not open")
        return self._serial

    def set_baudrate(self, baudrate: int) -> None:
        """Change the line rate of the open port (a USB CDC device sees SET_LINE_CODING)."""
        self._port().baudrate = baudrate
        self._baudrate = baudrate

    def write(self, data: bytes) -> None:
        """Write all bytes and wait until they have left the host buffer."""
        port = self._port()
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            raise TransportError(f"write to {self._url} failed: {exc}") from None
        log.debug("wrote %d bytes", len(data))

    def discard_input(self) -> None:
        """Drop everything received so far (buffered here and in the OS)."""
        self._pending.clear()
        try:
            self._port().reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            raise TransportError(f"flush of {self._url} failed: {exc}") from None

    def _read_some(self) -> bytes:
        port = self._port()
        try:
            waiting = port.in_waiting
            data = port.read(max(1, waiting))
        except (serial.SerialException, OSError) as exc:
            raise TransportError(f"read from {self._url} failed: {exc}") from None
        if data:
            log.debug("read %d bytes", len(data))
        return bytes(data)

    def read_batch(self, silence: float = BATCH_SILENCE, timeout: float = 5.0) -> bytes:
        """Read one reply: wait up to ``timeout`` for the first byte, then read until
        ``silence`` seconds pass without new bytes (or ``timeout`` is used up)."""
        deadline = time.monotonic() + timeout
        data = bytearray(self._pending)
        self._pending.clear()
        last_byte_at = time.monotonic() if data else None
        while True:
            now = time.monotonic()
            if last_byte_at is not None and now - last_byte_at >= silence:
                return bytes(data)
            if now >= deadline:
                if data:
                    return bytes(data)
                raise ReadTimeout(f"no reply within {timeout:.1f} s")
            chunk = self._read_some()
            if chunk:
                data += chunk
                last_byte_at = time.monotonic()

    def read_until(self, expected: bytes, timeout: float) -> bytes:
        """Read up to and including ``expected``; later bytes stay buffered."""
        return self.read_until_any((expected,), timeout)[1]

    def read_until_any(self, expected: Sequence[bytes], timeout: float) -> tuple[int, bytes]:
        """Read until one of ``expected`` appears; return (its index, bytes up to and
        including it). The earliest match in the stream wins; later bytes stay buffered."""
        if not expected or any(not e for e in expected):
            raise ValueError("expected byte strings must be non-empty")
        deadline = time.monotonic() + timeout
        data = self._pending
        searched = 0
        longest = max(len(e) for e in expected)
        while True:
            found = self._earliest(data, expected, max(0, searched - longest + 1))
            if found is not None:
                index, end = found
                result = bytes(data[:end])
                del data[:end]
                return index, result
            searched = len(data)
            if time.monotonic() >= deadline:
                received = bytes(data)
                data.clear()
                raise ReadTimeout(
                    f"expected reply not seen within {timeout:.1f} s "
                    f"({len(received)} bytes received)",
                    received,
                )
            data += self._read_some()

    @staticmethod
    def _earliest(data: bytearray, expected: Sequence[bytes], start: int) -> tuple[int, int] | None:
        best: tuple[int, int, int] | None = None  # (position, -length, index)
        for index, pattern in enumerate(expected):
            position = data.find(pattern, start)
            if position >= 0:
                candidate = (position, -len(pattern), index)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            return None
        position, negative_length, index = best
        return index, position - negative_length
