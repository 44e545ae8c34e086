"""Flashing over the listening-mode console (flashing.md §3): open the port at 28800 baud
(which puts a Gen 2 device into listening mode), check the image against what the device
says it is, send it with YMODEM, read the device's verdict, and once it has restarted, check
with ``s`` that it runs the new image.

The image's SHA-256 (from its suffix) is what proves the restart: harken devices report
it for their running image as ``u``, as Device OS does for user parts. A device that reports
no SHA for the module is matched on function, index and version instead.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from harken.console.client import ConsoleClient
from harken.errors import HarkenError
from harken.flash.ymodem_sender import (
    FLASHER_BAUD,
    FlashError,
    Mode,
    SendResult,
    Timing,
    send_file,
)
from harken.protocol.describe import SystemDescribe
from harken.protocol.module_binary import ModuleImage
from harken.protocol.update_check import (
    ERROR_NAMES,
    NO_PRODUCT,
    PLATFORM,
    VALIDATION_FAILED,
)
from harken.transport.serial_port import ReadTimeout, SerialPort

RESTARTING = b"Restarting system to apply firmware update..."
SETTLE = 0.3
"""After opening at 28800 baud: the device enters listening mode on the line coding."""
RESTART_GAP = 0.5
"""After the restart text: Device OS resets 100 ms later; a USB port then disappears."""
REBOOT_TIMEOUT = 60.0
PROBE_TIMEOUT = 3.0
FLASH_TIMING = Timing(grace=0.2)
"""Device OS sends no 'C' after EOT: do not wait the textbook grace for one."""

Reopen = Callable[[], str]
"""Where the console is now (a real board may come back on another port after its reset)."""


@dataclass(frozen=True)
class SerialFlashResult:
    """A flash the device accepted; ``verified`` once it ran the new image after its reset."""

    transfer: SendResult
    device_said: str
    before: SystemDescribe | None
    after: SystemDescribe | None
    verified: bool
    verified_by: str  # "sha256", "version" or "" when not verified
    reboot_seconds: float


def predicted_refusal(image: ModuleImage, describe: SystemDescribe) -> str | None:
    """Why the device would refuse ``image``, from what its ``s`` shows, or None. Only the
    checks the host can make: the CRC, the platform and the product rule (the slot address
    a device accepts is not in ``s``)."""
    if not image.crc_ok:
        return f"the image's CRC-32 is wrong (the device answers {-1330})"
    if image.platform_id != describe.platform_id:
        return (
            f"the image is for platform {image.platform_id}, the device is platform "
            f"{describe.platform_id} (the device answers {PLATFORM}: {ERROR_NAMES[PLATFORM]})"
        )
    image_product = image.product_id if image.product_id is not None else NO_PRODUCT
    device_product = describe.product_id
    real = {NO_PRODUCT, describe.platform_id}
    if (
        device_product is not None
        and image_product not in real
        and device_product not in real
        and image_product != device_product
    ):
        return (
            f"the image is for product {image_product}, the device runs product "
            f"{device_product} (the device answers {VALIDATION_FAILED})"
        )
    return None


def runs_image(describe: SystemDescribe, image: ModuleImage) -> str:
    """How ``describe`` shows the device running ``image``: "sha256", "version" or "".
    Without a SHA for the module, the module's function, index and version must match, and
    so must the product fields where the device reports them (harken devices do): an image
    that differs from the old one only in its product would otherwise look installed."""
    for module in describe.modules:
        if module.sha256 is not None:
            if module.sha256.lower() == image.sha256.lower() and module.valid:
                return "sha256"
            continue
        same = (module.index, module.version) == (image.index, image.version)
        if not (same and module.valid and module.function == _FUNCTION_LETTERS.get(image.function)):
            continue
        shown = (describe.product_id, describe.product_version)
        if shown != (None, None) and shown != (image.product_id, image.product_version):
            continue
        return "version"
    return ""


_FUNCTION_LETTERS = {1: "r", 2: "b", 3: "m", 4: "s", 5: "u"}


def _describe(url: str, timeout: float) -> SystemDescribe:
    with ConsoleClient(SerialPort(url, FLASHER_BAUD)) as client:
        time.sleep(SETTLE)
        return client.inspect(timeout=timeout)


def wait_for_image(
    reopen: Reopen, image: ModuleImage, timeout: float = REBOOT_TIMEOUT
) -> tuple[SystemDescribe | None, str, float]:
    """Poll the console until ``s`` shows ``image`` running; (last describe, how, seconds)."""
    started = time.monotonic()
    deadline = started + timeout
    last: SystemDescribe | None = None
    while time.monotonic() < deadline:
        with contextlib.suppress(HarkenError, OSError):
            last = _describe(reopen(), PROBE_TIMEOUT)
            how = runs_image(last, image)
            if how:
                return last, how, time.monotonic() - started
        time.sleep(0.25)
    return last, "", time.monotonic() - started


def flash_serial(
    url: str,
    data: bytes,
    image: ModuleImage,
    *,
    name: str = "firmware.bin",
    mode: Mode = "strict",
    force: bool = False,
    verify: bool = True,
    progress: Callable[[int, int], None] | None = None,
    reopen: Reopen | None = None,
    reboot_timeout: float = REBOOT_TIMEOUT,
) -> SerialFlashResult:
    """Send ``data`` (parsed as ``image``) to the device at ``url`` and, with ``verify``,
    wait until it runs it. Raises :class:`FlashError` when the device (or, without
    ``force``, the pre-check) refuses it or it never comes back with the image."""
    before: SystemDescribe | None = None
    with SerialPort(url, FLASHER_BAUD) as port:
        time.sleep(SETTLE)
        client = ConsoleClient(port)
        try:
            before = client.inspect(timeout=10.0)
        except HarkenError as exc:
            if not force:
                raise FlashError(f"the device did not describe itself ('s'): {exc}") from None
        if before is not None and not force:
            refusal = predicted_refusal(image, before)
            if refusal:
                raise FlashError(f"not sent: {refusal} (--force sends it anyway)")
        transfer = send_file(port, name, data, mode=mode, progress=progress, timing=FLASH_TIMING)
        try:
            said = port.read_until(RESTARTING, timeout=5.0)
        except ReadTimeout as exc:
            said = exc.received
    text = said.decode("latin-1").strip()
    if not verify:
        return SerialFlashResult(transfer, text, before, None, False, "", 0.0)
    time.sleep(RESTART_GAP)
    after, how, seconds = wait_for_image(reopen or (lambda: url), image, reboot_timeout)
    if not how:
        raise FlashError(
            f"the device accepted the image but does not run it {reboot_timeout:.0f} s later",
            text,
        )
    return SerialFlashResult(transfer, text, before, after, True, how, seconds)
