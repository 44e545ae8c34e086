"""``particle flash --serial`` (particle-cli 3.19.0) against a virtual device's pty.

Findings from the CLI's source (``src/cmd/flash.js``, ``src/cmd/serial.js``,
``src/lib/ymodem.js``) and runs against a scripted pty:

* Command: ``particle flash --serial IMAGE --port PORT --yes``. Without ``--yes`` the CLI
  first asks "Press ENTER when your device is blinking BLUE" on stdin (stdin at EOF: exit
  130, nothing sent). No other question.
* ``--port`` needs no port listing: a path that is not in SerialPort.list() is used as is
  (``_parsePort``). It must not start with a digit (``parseInt`` would take it as a list
  index), hence an absolute path; a symlink to the pty (``STATE/console``) works. We still
  list the port as a Particle device through the udevadm stand-in (``HARKEN_FAKE_SERIAL``,
  see install.sh) so the CLI sees it as a typed device, exactly like a USB-attached one.
  The only use of the type in this flow: a FILE that does not exist is looked up as a known
  app of that platform (``tinker``, ``doctor``) from the CLI's bundled binaries.
* No check of the image: the serial path never parses it (no binary-version-reader, no
  platform, module-function or CRC check, no question), so monolithic or foreign images are
  sent as they are; only the device validates.
* Protocol (flashing.md §3.4 holds for 3.19.0): port opened at 28800 baud (BOTHER; the
  master sees c_ospeed 28800 when ``f`` arrives), ``f``, waits ≤ 10 s for the ready line
  (or a chunk starting with ``C``); 128-byte SOH blocks, CRC bytes ``00 00``, header
  ``binary\\0<size> `` wanting ACK then ``C``; seq 1, 2, … wrapping to 0 at block 256;
  1 ms timer between blocks (about 1.6 ms per block on a pty, 200 KiB in 2.6 s); EOT;
  end-of-batch header ``\\0 0 ``; 70 s per response. It closes the port as soon as the
  final ACK arrives (the device's text is never read). On any error it writes ``a``
  before closing the port.
* Success: exit 0, output ``sending file: IMAGE``, empty line, ``Flash success!`` (the CLI
  does not show the device's text). Device ``CA CA`` (e.g. after the end-of-batch header,
  validation failed) or ``NAK``: exit 1, ``Error writing firmware: Transfer cancelled``;
  any other first byte: exit 1, ``Error writing firmware: unknown message``. No
  ready line within 10 s: exit 1, ``Error writing firmware: Timed out waiting for initial
  response from device``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PARTICLE = Path(__file__).resolve().parents[1] / "peers" / "particle-cli" / "bin" / "particle"
# USB product IDs of the CDC serial interface in normal operation (vendor 0x2b04).
USB_PID = {"photon": "c006", "p1": "c008", "electron": "c00a"}
SUCCESS = "Flash success!"
CANCELLED = "Error writing firmware: Transfer cancelled"
NO_READY_LINE = "Error writing firmware: Timed out waiting for initial response from device"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_DEVICE_ID = re.compile(r"[0-9a-fA-F]{24}")
# Printed once per CLI home (it then records flashWarningShownOn): dropped so the output
# does not depend on which test flashed first.
_FIRST_FLASH_NOTICE = re.compile(r"^:::: .*\n?", re.MULTILINE)


def particle_flash_serial(
    port_path: Path | str,
    image: Path | str,
    platform: str,
    device_id: str,
    timeout: float = 60.0,
) -> tuple[int, str]:
    """Run ``particle flash --serial IMAGE --port PORT --yes`` with PORT listed as a
    Particle ``platform`` device with USB serial number ``device_id``; return the exit status
    and the output (stdout then stderr, no colours, no first-flash notice).

    ``port_path`` is used as given (made absolute, symlinks kept). Raises TimeoutError, with
    the output so far, if the CLI has not exited within ``timeout`` seconds (it waits 70 s
    for each answer from the device).
    """
    if platform not in USB_PID:
        raise ValueError(f"unknown platform {platform!r}; expected one of {sorted(USB_PID)}")
    if not _DEVICE_ID.fullmatch(device_id):
        raise ValueError(f"device id {device_id!r} is not 24 hex digits")
    port = str(Path(port_path).absolute())
    env = dict(os.environ, HARKEN_FAKE_SERIAL=f"{port}:{USB_PID[platform]}:{device_id}")
    args = [str(PARTICLE), "flash", "--serial", str(image), "--port", port, "--yes"]
    try:
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise TimeoutError(
            f"particle flash --serial still running after {timeout:.0f} s: "
            f"{_clean(exc.stdout, exc.stderr)!r}"
        ) from exc
    return result.returncode, _clean(result.stdout, result.stderr)


def _clean(stdout: bytes | str | None, stderr: bytes | str | None) -> str:
    text = "".join(
        part.decode(errors="replace") if isinstance(part, bytes) else part
        for part in (stdout or b"", stderr or b"")
    )
    return _FIRST_FLASH_NOTICE.sub("", _ANSI.sub("", text))
