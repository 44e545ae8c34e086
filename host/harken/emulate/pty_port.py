"""A pty that plays a device's USB serial port, host side (Linux only).

The host keeps the master; clients open the slave through a stable symlink. Like
``firmware/src/hal/native/pty_console.cpp``, it watches the slave's opens and closes with
inotify (a client's open is a USB host's SET_LINE_CODING) and reads the bit rate the client set
through the master with ``TCGETS2``, so non-standard rates such as 28800 are seen exactly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import select
import struct
import termios
import tty
from dataclasses import dataclass
from pathlib import Path

IN_OPEN = 0x00000020
IN_CLOSE_WRITE = 0x00000008
IN_CLOSE_NOWRITE = 0x00000010
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)

_TERMIOS2_SIZE = 44  # 4 flags, c_line, c_cc[19], c_ispeed, c_ospeed
_OSPEED_OFFSET = 40
_IOC_READ = 2
TCGETS2 = (_IOC_READ << 30) | (_TERMIOS2_SIZE << 16) | (ord("T") << 8) | 0x2A


class PtyPortError(OSError):
    """The pty or its inotify watch could not be set up."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def bitrate(master_fd: int) -> int:
    """The output speed the client set on the slave (0 if it cannot be read)."""
    buffer = bytearray(_TERMIOS2_SIZE)
    try:
        fcntl.ioctl(master_fd, TCGETS2, buffer)
    except OSError:
        return 0
    return int.from_bytes(buffer[_OSPEED_OFFSET : _OSPEED_OFFSET + 4], "little")


@dataclass
class OpenClose:
    """Client opens and closes of the slave seen since the last look."""

    opens: int = 0
    closes: int = 0


class PtyPort:
    """The master end of a pty with a symlink to its slave; all calls are non-blocking."""

    def __init__(self, link: Path) -> None:
        self.link = Path(link)
        master, slave = os.openpty()
        try:
            self.slave_path = os.ttyname(slave)
            # Raw 9600 8N1 like a freshly enumerated CDC port, so cat or a redirect sees the
            # bytes unmodified and without echo.
            tty.setraw(slave)
            attrs = termios.tcgetattr(slave)
            attrs[4] = attrs[5] = termios.B9600
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
        except OSError:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master
        os.set_blocking(master, False)
        self._own_events = 0
        self.notify = -1
        try:
            self._watch()
            self._make_link()
        except OSError:
            self.close()
            raise
        self.last_bitrate = bitrate(master)

    def _watch(self) -> None:
        libc = _libc()
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            raise PtyPortError(ctypes.get_errno(), "inotify_init1 failed")
        self.notify = fd
        mask = IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE
        if libc.inotify_add_watch(fd, os.fsencode(self.slave_path), mask) < 0:
            raise PtyPortError(ctypes.get_errno(), f"cannot watch {self.slave_path}")

    def _make_link(self) -> None:
        temporary = self.link.with_name(f".{self.link.name}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        os.symlink(self.slave_path, temporary)
        os.replace(temporary, self.link)

    def close(self) -> None:
        """Remove the symlink (if still ours) and close the master and the watch."""
        try:
            if self.link.is_symlink() and os.readlink(self.link) == self.slave_path:
                self.link.unlink()
        except OSError:
            pass
        for fd in (self.notify, self.master):
            if fd >= 0:
                os.close(fd)
        self.notify = self.master = -1

    # --- clients ------------------------------------------------------------------------

    def client_attached(self) -> bool:
        """Whether some process has the slave open (the master stops polling as hung up)."""
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        return not any(mask & select.POLLHUP for _, mask in poller.poll(0))

    def open_close_events(self) -> OpenClose:
        """Drain the inotify queue, leaving out our own opens of the slave."""
        seen = OpenClose()
        while True:
            try:
                data = os.read(self.notify, 4096)
            except BlockingIOError:
                return seen
            if not data:
                return seen
            at = 0
            while at + _EVENT.size <= len(data):
                _wd, mask, _cookie, length = _EVENT.unpack_from(data, at)
                at += _EVENT.size + length
                if self._own_events > 0:
                    self._own_events -= 1
                elif mask & IN_OPEN:
                    seen.opens += 1
                elif mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE):
                    seen.closes += 1

    def drop_unread_output(self) -> None:
        """Flush what was written for clients that have all gone (only the slave side can)."""
        try:
            slave = os.open(self.slave_path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError:
            return
        self._own_events += 2  # our open and close
        try:
            termios.tcflush(slave, termios.TCIFLUSH)
        except termios.error:
            pass
        finally:
            os.close(slave)

    def bitrate_changed(self) -> int | None:
        """The client's new bit rate if it changed since the last look, else None."""
        rate = bitrate(self.master)
        if rate == self.last_bitrate:
            return None
        self.last_bitrate = rate
        return rate

    # --- bytes --------------------------------------------------------------------------

    def read(self) -> bytes | None:
        """What clients wrote (b"" if nothing yet); None once no client is attached."""
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:
                return None
            raise

    def write(self, data: bytes) -> int:
        """Write what fits now; return the count (0 when full or no client)."""
        try:
            return os.write(self.master, data)
        except BlockingIOError:
            return 0
        except OSError as exc:
            if exc.errno == errno.EIO:
                return 0
            raise
