"""What a device runs, as its console's ``s`` tells: after a flash, the proof that it restarted
into the new image is the SHA-256 ``s`` reports for it."""

from __future__ import annotations

import contextlib
import time

from harken.console.client import ConsoleClient
from harken.errors import HarkenError
from harken.flash.ymodem_sender import FLASHER_BAUD
from harken.protocol.describe import SystemDescribe
from harken.transport.serial_port import SerialPort

RESTART_TIMEOUT = 30.0
"""From the device's verdict to ``s`` showing the new image: the device restarts 1.1 s after
it; on QEMU the runner then installs the image and starts QEMU again."""


def describe(console: str) -> SystemDescribe:
    """``s`` over the console opened at 28800 baud (listening mode)."""
    with ConsoleClient(SerialPort(console, FLASHER_BAUD)) as client:
        return client.inspect(timeout=5.0)


def wait_for_sha(console: str, sha: str, timeout: float = RESTART_TIMEOUT) -> SystemDescribe | None:
    """Ask ``s`` until the running image's SHA-256 is ``sha``; the last answer (None if the
    device never answered). The console path is opened anew each try: QEMU's pty behind it
    is replaced when the runner starts QEMU again."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        with contextlib.suppress(HarkenError, OSError):
            last = describe(console)
            if last.modules[0].sha256 == sha:
                return last
        if time.monotonic() > deadline:
            return last
        time.sleep(0.25)
