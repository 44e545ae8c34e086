"""The test-pads line of one unit, opened from a pyserial URL: a reader thread turns what the
unit sends into frames (queued for the client) and log lines (kept, the last
:data:`MAX_LOG_LINES`), forgets a frame that stops part-way, and drops frames with a bad CRC.

Logging records types, sequence numbers and sizes only: a JOIN request holds a passphrase.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

import serial

from harken.protocol.test_mode import (
    MAX_REPLY,
    TRUNCATE_AFTER,
    Frame,
    FrameProblem,
    FrameReader,
    LogText,
)
from harken.transport.serial_port import TransportError

log = logging.getLogger(__name__)

try:
    import termios

    _PORT_ERRORS: tuple[type[BaseException], ...] = (
        serial.SerialException,
        OSError,
        termios.error,  # tcdrain on a pty whose other end has gone
    )
except ImportError:  # not POSIX
    _PORT_ERRORS = (serial.SerialException, OSError)

MAX_LOG_LINES = 2000
MAX_QUEUED_FRAMES = 256
READ_POLL = 0.02


class TestPadsLine:
    """An open port plus its reader thread; thread-safe. :meth:`close` ends both."""

    __test__ = False

    def __init__(self, url: str, baudrate: int) -> None:
        self.url = url
        try:
            # exclusive: a second station on the same pads would steal replies
            port = serial.serial_for_url(
                url, baudrate=baudrate, timeout=READ_POLL, exclusive=True, do_not_open=True
            )
            port.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise TransportError(f"cannot open the test pads at {url}: {exc}") from None
        self._port = port
        self._reader = FrameReader(MAX_REPLY)
        self._lock = threading.Condition()
        self._frames: deque[Frame] = deque(maxlen=MAX_QUEUED_FRAMES)
        self._log: deque[str] = deque(maxlen=MAX_LOG_LINES)
        self._failure: str | None = None
        self._closed = False
        self.damaged_frames = 0
        """Frames from the unit that failed their CRC or stopped part-way (dropped)."""
        self._thread = threading.Thread(target=self._read, name="test-pads-reader", daemon=True)
        self._thread.start()

    @property
    def failure(self) -> str | None:
        """Why the line stopped working (the unit's port went away), or None."""
        with self._lock:
            return self._failure

    @property
    def log_lines(self) -> list[str]:
        with self._lock:
            return list(self._log)

    def write(self, data: bytes) -> None:
        if self.failure is not None:
            raise TransportError(f"the test pads at {self.url} are gone: {self.failure}")
        try:
            self._port.write(data)
            self._port.flush()
        except _PORT_ERRORS as exc:
            raise TransportError(f"write to the test pads at {self.url} failed: {exc}") from None

    def discard_frames(self) -> None:
        """Forget frames received so far (stale replies of an earlier request)."""
        with self._lock:
            self._frames.clear()

    def next_frame(self, deadline: float) -> Frame | None:
        """The oldest unread frame, waiting until ``deadline`` (time.monotonic()); None if
        none came or the line failed."""
        with self._lock:
            while not self._frames:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._failure is not None or self._closed:
                    return None
                self._lock.wait(remaining)
            return self._frames.popleft()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._thread.join(timeout=2.0)
        try:
            self._port.close()
        except _PORT_ERRORS:
            pass

    # --- reader thread ------------------------------------------------------------------

    def _read(self) -> None:
        last_byte = time.monotonic()
        while True:
            with self._lock:
                if self._closed:
                    return
            try:
                data = self._port.read(max(1, self._port.in_waiting))
            except (*_PORT_ERRORS, TypeError) as exc:
                # TypeError: pyserial reading a port closed under it
                with self._lock:
                    self._failure = str(exc) or type(exc).__name__
                    self._lock.notify_all()
                return
            now = time.monotonic()
            if data:
                last_byte = now
                self._take(self._reader.feed(data))
            elif self._reader.mid_frame and now - last_byte >= TRUNCATE_AFTER:
                problem = self._reader.flush_partial()
                if problem is not None:
                    self._take([problem])

    def _take(self, events: list[Frame | FrameProblem | LogText]) -> None:
        with self._lock:
            for event in events:
                if isinstance(event, LogText):
                    self._log.append(event.text)
                elif isinstance(event, Frame):
                    log.debug(
                        "frame 0x%02x seq %d, %d bytes", event.type, event.seq, len(event.payload)
                    )
                    self._frames.append(event)
                else:
                    # the request is resent after its timeout
                    self.damaged_frames += 1
                    log.debug("dropped a frame from the unit: %s", event.status.wire_name)
            self._lock.notify_all()
