"""The QEMU device's bootloader: installing a firmware update the guest staged.

netduino2's flash is read-only, so the image cannot update itself in place. The guest writes
an image it receives over YMODEM to ``STATE/ota.bin`` through semihosting (whole YMODEM
blocks: the file may run past the module, zero-padded) and, once it has validated it, ends
QEMU with :data:`UPDATE_EXIT`. The runner then plays Particle's bootloader: it checks the
staged module and copies it into "flash", ``STATE/firmware.bin``, the raw image later starts
boot (``-kernel`` loads a raw file at address 0, netduino2's alias of 0x08000000).

The checks are the bootloader's own, not the guest's: a guest that validated wrongly must not
leave an image that cannot boot. A refused update keeps the old image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harken.atomic_file import replace_file
from harken.errors import HarkenError
from harken.protocol.module_binary import (
    CRC,
    PREFIX,
    PREFIX_SIZE,
    device_prefix_offset,
    module_crc32,
)
from harken.protocol.module_layout import ModuleFunction, function_name
from harken.protocol.platform import platform_name

OTA_FILE = "ota.bin"
"""Where the guest stages an incoming image (its ``ota=`` boot argument)."""
FIRMWARE_FILE = "firmware.bin"
"""The installed image: the device's flash, as far as the runner is concerned."""
UPDATE_EXIT = 86
"""QEMU's exit status when the guest hands a validated update over (SYS_EXIT_EXTENDED);
nothing else in the image exits with it."""
IMAGE_START = 0x08000000
"""The QEMU images' slot: where they are linked (qemu_netduino2.ld) and boot from."""
MAX_IMAGE_SIZE = 0x60000
"""The monolithic slot's size, CRC included (firmware/src/core/platform_info.cpp)."""


class UpdateRefused(HarkenError):
    """The image is not one this device can boot; the message says why."""


@dataclass(frozen=True)
class UpdateOutcome:
    """What the bootloader did with one staged update."""

    installed: bool
    size: int
    """Bytes written to ``firmware.bin`` (0 when refused)."""
    reason: str = ""
    """Why it was refused (empty when installed)."""

    @property
    def log_line(self) -> str:
        """The device log's line for it."""
        if self.installed:
            return f"[bootloader] installed update: {self.size} bytes"
        return f"[bootloader] update not installed: {self.reason}"


def bootable_length(data: bytes, platform_id: int) -> int:
    """The length of the module ``data`` starts with (prefix to CRC, CRC included) if this
    device's bootloader would run it; bytes after it are ignored. Raises
    :class:`UpdateRefused` naming the first failed check."""
    offset = device_prefix_offset(data)
    if len(data) < offset + PREFIX_SIZE:
        raise UpdateRefused(f"truncated: {len(data)} bytes hold no module prefix")
    prefix = PREFIX.parse(data[offset : offset + PREFIX_SIZE])
    if prefix.start_address != IMAGE_START:
        raise UpdateRefused(
            f"start address 0x{prefix.start_address:08x}, the slot is at 0x{IMAGE_START:08x}"
        )
    if prefix.end_address <= prefix.start_address:
        raise UpdateRefused(f"end address 0x{prefix.end_address:08x} before the start")
    length = prefix.end_address - prefix.start_address + CRC.sizeof()
    if length > MAX_IMAGE_SIZE:
        raise UpdateRefused(f"{length} bytes, the slot holds {MAX_IMAGE_SIZE}")
    if length > len(data):
        raise UpdateRefused(f"truncated: the prefix describes {length} bytes, got {len(data)}")
    module = data[:length]
    stored = CRC.parse(module[-CRC.sizeof() :]).crc32
    if module_crc32(module) != stored:
        raise UpdateRefused(
            f"CRC-32 mismatch (stored 0x{stored:08x}, computed 0x{module_crc32(module):08x})"
        )
    # Content checks after the CRC: on a damaged image they would name the wrong fault.
    if prefix.platform_id != platform_id:
        found = platform_name(prefix.platform_id) or "unknown"
        raise UpdateRefused(
            f"platform {prefix.platform_id} ({found}), this device is {platform_id}"
        )
    if prefix.function != ModuleFunction.MONO_FIRMWARE:
        raise UpdateRefused(
            f"module function {prefix.function} ({function_name(prefix.function)}), "
            "not monolithic firmware"
        )
    return length


def install_update(state_dir: Path, platform_id: int) -> UpdateOutcome:
    """Check ``STATE/ota.bin`` and, if this device can boot it, write the module (without
    the block padding) to ``STATE/firmware.bin``. ``ota.bin`` is left as the guest wrote it:
    only a new exit with :data:`UPDATE_EXIT` makes the bootloader read it again."""
    try:
        data = (state_dir / OTA_FILE).read_bytes()
    except OSError as exc:
        return UpdateOutcome(False, 0, f"cannot read {OTA_FILE}: {exc.strerror or exc}")
    try:
        length = bootable_length(data, platform_id)
    except UpdateRefused as exc:
        return UpdateOutcome(False, 0, str(exc))
    try:
        replace_file(state_dir / FIRMWARE_FILE, data[:length])
    except OSError as exc:
        return UpdateOutcome(False, 0, f"cannot write {FIRMWARE_FILE}: {exc.strerror or exc}")
    return UpdateOutcome(True, length)


def installed_image(state_dir: Path, platform_id: int) -> Path | None:
    """``STATE/firmware.bin`` if an update was installed (None if not). Raises
    :class:`UpdateRefused` when the file is there but would not boot: damaged, foreign, or
    with bytes after the module (``-kernel`` would load them into flash too)."""
    path = state_dir / FIRMWARE_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpdateRefused(f"cannot read {FIRMWARE_FILE}: {exc.strerror or exc}") from None
    length = bootable_length(data, platform_id)
    if length != len(data):
        raise UpdateRefused(f"{len(data) - length} bytes after the {length}-byte module")
    return path
