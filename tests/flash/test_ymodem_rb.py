"""The YMODEM sender against a real peer: lrzsz's ``rb`` on the other end of a pty, through a
relay that can corrupt one byte once (the sender must resend what ``rb`` rejects)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import threading
import time
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harken.flash import send_file
from harken.transport.serial_port import SerialPort

RB = shutil.which("rb")
needs_rb = pytest.mark.skipif(RB is None, reason="lrzsz's rb is not installed (Debian: lrzsz)")
LINE_GAP = 0.005
"""rb empties its input right after each answer it writes (tcflush). On a real line the next
packet takes milliseconds to arrive; through ptys it can beat the flush and be lost (rb then
times out and asks again, ~10 s later), so the relay keeps a serial line's minimum gap."""


class RbRelay(threading.Thread):
    """Copies the host's pty to rb's stdin pty and rb's stdout pipe back; flips the byte at
    each offset of the host stream in ``corrupt`` once."""

    def __init__(self, host_fd: int, rb_in: int, rb_out: int, corrupt: set[int]) -> None:
        super().__init__(daemon=True)
        self.host_fd, self.rb_in, self.rb_out = host_fd, rb_in, rb_out
        self.corrupt = set(corrupt)
        self.offset = 0
        self.rb_spoke_at = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([self.host_fd, self.rb_out], [], [], 0.05)
            for fd in ready:
                try:
                    data = bytearray(os.read(fd, 65536))
                except OSError:
                    return
                if not data:
                    return
                if fd == self.rb_out:
                    self.rb_spoke_at = time.monotonic()
                    os.write(self.host_fd, data)
                    continue
                for at in [o for o in self.corrupt if self.offset <= o < self.offset + len(data)]:
                    data[at - self.offset] ^= 0x55
                    self.corrupt.discard(at)
                self.offset += len(data)
                time.sleep(max(0.0, self.rb_spoke_at + LINE_GAP - time.monotonic()))
                os.write(self.rb_in, data)


@contextmanager
def rb_session(directory: Path, corrupt: set[int] = frozenset()) -> Iterator[SerialPort]:
    """``rb`` receiving into ``directory`` behind a pty that a SerialPort opens by path."""
    host_master, host_slave = pty.openpty()
    rb_master, rb_slave = pty.openpty()
    tty.setraw(host_slave)
    tty.setraw(rb_slave)  # no echo before rb sets its own modes
    out_read, out_write = os.pipe()  # rb's stdout: not flushed with its tty when it exits
    port = SerialPort(os.ttyname(host_slave), 115200)
    relay = RbRelay(host_master, rb_master, out_read, corrupt)
    with open(directory / "rb.log", "wb") as log:
        rb = subprocess.Popen(
            [RB], stdin=rb_slave, stdout=out_write, stderr=log, cwd=directory, close_fds=True
        )
    os.close(out_write)
    relay.start()
    try:
        yield port
        assert rb.wait(timeout=10) == 0, (directory / "rb.log").read_text(errors="replace")
    finally:
        if rb.poll() is None:
            rb.kill()
            rb.wait()
        relay.stop.set()
        relay.join(timeout=5)
        port.close()
        for fd in (host_master, host_slave, rb_master, rb_slave, out_read):
            os.close(fd)


def payload(size: int) -> bytes:
    return bytes((i * 7 + i // 251) & 0xFF for i in range(size))


@needs_rb
@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", [0, 1, 127, 128, 129, 1023, 1024, 1025, 5324, 70000])
def test_rb_receives_the_file(tmp_path, size):
    data = payload(size)
    with rb_session(tmp_path) as port:
        result = send_file(port, "app.bin", data, mtime=1_600_000_000)
    assert (tmp_path / "app.bin").read_bytes() == data
    assert result.resent == 0
    assert int((tmp_path / "app.bin").stat().st_mtime) == 1_600_000_000


@needs_rb
@pytest.mark.timeout(60)
def test_rb_receives_past_sequence_number_255(tmp_path):
    data = payload(300 * 1024 + 5)
    with rb_session(tmp_path) as port:
        result = send_file(port, "big.bin", data)
    assert result.blocks == 301
    assert (tmp_path / "big.bin").read_bytes() == data


@needs_rb
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "offset",
    [60, 133 + 2, 133 + 500, 133 + 5 * 1029 + 70, 133 + 5 * 1029 + 2 * 133 + 1 + 100],
    ids=["header-name", "block-1-complement", "block-1-data", "tail-block", "end-of-batch"],
)
def test_rb_naks_a_corrupted_packet_and_gets_it_again(tmp_path, offset):
    data = payload(5324)  # header, 5 STX blocks, 2 SOH blocks, EOT, end of batch
    with rb_session(tmp_path, corrupt={offset}) as port:
        result = send_file(port, "app.bin", data)
    assert (tmp_path / "app.bin").read_bytes() == data
    assert result.resent >= 1
