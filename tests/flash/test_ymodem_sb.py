"""lrzsz's ``sb`` (a textbook YMODEM sender) into the native device's receiver, its stdin and
stdout on the console pty opened at 28800 baud (listening mode).

Device OS's receiver asks for nothing until 5 s of silence after ``f``, and sends no ``C``
after the EOT's ACK, while ``sb`` waits for a ``C`` both before block 0 and before the
end-of-batch header: each of those waits ends on the receiver's 5 s timeout ``C``, so a
session takes about 10 s.

``sb`` ignores the answer to its end-of-batch header (lrzsz ``wcsend()`` does not check it),
so a device that refuses the image there (``CA CA``, "Validation failed") leaves ``sb``
exiting 0 after printing "Cancelled": only the device can tell. A header refused outright
(the size) does make ``sb`` fail."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import serial

from flash_images import NEW_VERSION, synthetic_images
from harken.emulate.native import NativeDevice
from harken.flash.ymodem_sender import FLASHER_BAUD, READY_LINE
from harken.protocol.update_check import PLATFORM
from running_image import describe, wait_for_sha

StartDevice = Callable[..., NativeDevice]  # tests/conftest.py's native_device
SB = shutil.which("sb")
pytestmark = pytest.mark.skipif(SB is None, reason="lrzsz's sb is not installed (Debian: lrzsz)")
SB_TIMEOUT = 60.0
SETTLE = 0.3
"""After opening at 28800 baud: the device enters listening mode on the line rate."""
OVERSIZE = 0x60001
"""One byte more than the staging area holds: the device refuses the header."""


def sb_into(device: NativeDevice, file: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Type ``f``, take the ready line, then run ``sb --ymodem OPTIONS FILE`` with stdin and
    stdout on the console."""
    with serial.Serial(device.console, FLASHER_BAUD, timeout=5.0) as port:
        time.sleep(SETTLE)
        port.write(b"f")
        assert port.read_until(READY_LINE + b"\r\n") == READY_LINE + b"\r\n"
        # pyserial opens non-blocking; sb takes EAGAIN for a timeout and gives up at once.
        flags = fcntl.fcntl(port.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(port.fileno(), fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return subprocess.run(
            [str(SB), "--ymodem", "-vv", *options, str(file)],
            stdin=port.fileno(),
            stdout=port.fileno(),
            stderr=subprocess.PIPE,
            text=True,
            timeout=SB_TIMEOUT,
        )


@pytest.mark.timeout(120)
@pytest.mark.parametrize("blocks", ["1k", "128"])
def test_sb_flashes_the_device(native_device: StartDevice, tmp_path: Path, blocks: str) -> None:
    device = native_device("photon")
    images = synthetic_images(6)
    file = tmp_path / "app.bin"
    file.write_bytes(images.good)
    run = sb_into(device, file, *(["--1k"] if blocks == "1k" else []))
    assert run.returncode == 0, run.stderr
    assert "Transfer complete" in run.stderr and "Cancelled" not in run.stderr, run.stderr
    after = wait_for_sha(device.console, images.good_sha)
    assert after is not None and after.modules[0].sha256 == images.good_sha
    assert (after.product_id, after.product_version) == (6, NEW_VERSION)


@pytest.mark.timeout(120)
def test_sb_exits_0_on_an_image_the_device_refuses_at_the_end_of_the_batch(
    native_device: StartDevice, tmp_path: Path
) -> None:
    device = native_device("photon")
    before = describe(device.console)
    file = tmp_path / "electron.bin"
    file.write_bytes(synthetic_images(6).foreign)
    run = sb_into(device, file, "--1k")
    assert run.returncode == 0, run.stderr
    # The data went through; the end-of-batch header was answered CA CA.
    assert run.stderr.rstrip().endswith("Cancelled\n\nTransfer complete"), run.stderr
    assert f"[update] refused: {PLATFORM} " in device.log_path.read_text(errors="replace")
    after = describe(device.console)
    assert after.modules[0].sha256 == before.modules[0].sha256
    assert after.product_version == before.product_version != NEW_VERSION


@pytest.mark.timeout(120)
def test_sb_fails_when_the_device_refuses_the_header(
    native_device: StartDevice, tmp_path: Path
) -> None:
    device = native_device("photon")
    before = describe(device.console)
    file = tmp_path / "huge.bin"
    file.write_bytes(bytes(OVERSIZE))
    run = sb_into(device, file, "--1k")
    assert run.returncode != 0, run.stderr
    assert "Cancelled" in run.stderr and "Bytes Sent" not in run.stderr, run.stderr
    after = describe(device.console)
    assert after.modules[0].sha256 == before.modules[0].sha256
