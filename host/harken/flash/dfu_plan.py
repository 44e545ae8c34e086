"""Where a module goes over USB DFU, decided the way Particle's CLI decides it (spec
flashing.md §4.5), and the ``dfu-util`` command line that writes it there.

Alt setting 0 (internal flash) is used for every module; the address is the module's own start
address (user and system parts) or fixed (``--factory`` images, monolithic firmware), and
``:leave`` is only added for a user part written to the user slot. DFU performs no validation at
write time (the module is only checked at the next boot), so everything a device would refuse
later, or silently mis-boot with, is refused here first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harken.flash.ymodem_sender import FlashError
from harken.protocol.module_binary import ModuleImage
from harken.protocol.module_layout import ModuleFlag, ModuleFunction, module_slots
from harken.protocol.platform import ELECTRON, P1, PARTICLE_USB_VID, PHOTON, Platform

DFU_UTIL = "dfu-util"
INTERNAL_FLASH_ALT = 0  # "@Internal Flash   /0x08000000/…": absolute MCU addresses
DFU_INTERFACE = 0  # the bootloader's only interface
PROTECTED_END = 0x08020000  # alt 0 refuses download/erase below this (§4.2)
FLASH_END = 0x08100000  # 1 MiB of STM32F205 flash
OTA_REGION = 0x080C0000

# The spec's factoryReset segment (§4.5, §5): on the Photon/P1 it is the upper half of the OTA
# region, on the Electron the sector after the user part.
FACTORY_ADDRESS = {PHOTON.platform_id: 0x080E0000, P1.platform_id: 0x080E0000}
FACTORY_ADDRESS[ELECTRON.platform_id] = 0x080A0000
_SYSTEM_SEGMENTS = {1: "systemFirmwareOne", 2: "systemFirmwareTwo", 3: "systemFirmwareThree"}
_DEVICE_ID = re.compile(r"[0-9A-Fa-f]{24}")


class DfuPlanError(FlashError):
    """The module must not be written over DFU (as asked, or at all): refused before any
    USB traffic."""


@dataclass(frozen=True)
class DfuPlan:
    """One DFU download: which device (in DFU mode), which alt setting, where, and whether
    to leave DFU afterwards."""

    platform_id: int
    platform: str
    vid: int
    pid: int  # the DFU-mode product id (0xD00x), not the normal-mode one
    alt: int
    interface: int
    address: int
    size: int
    leave: bool
    segment: str  # the CLI's name for the destination: userFirmware, factoryReset, …
    module: str  # "user-part 1, version 3"
    description: str
    warnings: tuple[str, ...]

    @property
    def usb_id(self) -> str:
        """``2b04:d006``: dfu-util's ``-d`` argument."""
        return f"{self.vid:04x}:{self.pid:04x}"

    @property
    def dfuse_address(self) -> str:
        """``0x080A0000`` or ``0x080A0000:leave``: dfu-util's ``-s`` argument."""
        return f"0x{self.address:08X}" + (":leave" if self.leave else "")


def plan_dfu(
    image: ModuleImage,
    *,
    factory: bool = False,
    leave: bool | None = None,
    force: bool = False,
    target: Platform | None = None,
) -> DfuPlan:
    """Plan writing ``image`` over DFU to a ``target`` device (default: the module's own
    platform). ``leave`` None keeps the CLI's choice (leave only after a user part in the
    user slot). ``force`` lets a bad CRC, a platform mismatch or an unusual start address
    through as warnings; it never allows a bootloader, an unknown function or a write
    below 0x08020000. Raises :class:`DfuPlanError`."""
    warnings = list(image.problems)
    platform = target or _platform(image.platform_id)
    if platform is None:
        raise DfuPlanError(
            f"platform {image.platform_id} ({image.platform_name or 'unknown'}) cannot be "
            "flashed over DFU by harken: only Photon (6), P1 (8) and Electron (10)"
        )
    if image.platform_id != platform.platform_id:
        _overridable(
            f"incorrect platform id (expected {platform.platform_id} for the {platform.name}, "
            f"the module is for {image.platform_id})",
            force,
            warnings,
        )
    if not image.crc_ok:
        _overridable(
            f"CRC is invalid (stored 0x{image.crc32:08x}, computed 0x{image.computed_crc32:08x})",
            force,
            warnings,
        )
    elif not image.sha_ok:
        warnings.append("the SHA-256 does not match (devices never check it)")
    if image.flags & ModuleFlag.DROP_MODULE_INFO:
        raise DfuPlanError("the module asks for its prefix to be dropped (a Gen 3 feature)")
    address, segment, default_leave = _destination(image, platform, factory, force, warnings)
    if address < PROTECTED_END or address + image.size > FLASH_END:
        raise DfuPlanError(
            f"0x{address:08x}..0x{address + image.size:08x} is outside the DFU-writable flash "
            f"0x{PROTECTED_END:08x}..0x{FLASH_END:08x}"
        )
    if factory and OTA_REGION <= address:  # Photon/P1: the factory slot is half the OTA region
        warnings.append(
            "the factory image shares flash with the OTA region: an OTA or serial update "
            "larger than 128 KiB overwrites it"
        )
    leave = default_leave if leave is None else leave
    module = f"{image.function_name} {image.index}, version {image.version}"
    return DfuPlan(
        platform_id=platform.platform_id,
        platform=platform.name,
        vid=PARTICLE_USB_VID,
        pid=platform.usb_dfu_pid,
        alt=INTERNAL_FLASH_ALT,
        interface=DFU_INTERFACE,
        address=address,
        size=image.size,
        leave=leave,
        segment=segment,
        module=module,
        description=_describe(platform, module, image.size, address, segment, leave),
        warnings=tuple(warnings),
    )


def _platform(platform_id: int) -> Platform | None:
    return next((p for p in (PHOTON, P1, ELECTRON) if p.platform_id == platform_id), None)


def _overridable(problem: str, force: bool, warnings: list[str]) -> None:
    if not force:
        raise DfuPlanError(f"{problem}; use --force to override")
    warnings.append(f"{problem} (forced)")


def _slot_start(platform: Platform, function: ModuleFunction, index: int) -> int | None:
    slots = module_slots(platform.platform_id, function, index)
    return slots[0].start_address if slots else None


def _check_start(
    image: ModuleImage, platform: Platform, expected: int, force: bool, warnings: list[str]
) -> None:
    if image.start_address != expected:
        _overridable(
            f"the module is linked at 0x{image.start_address:08x}, but a {platform.name} "
            f"{image.function_name} {image.index} belongs at 0x{expected:08x}",
            force,
            warnings,
        )


def _destination(
    image: ModuleImage, platform: Platform, factory: bool, force: bool, warnings: list[str]
) -> tuple[int, str, bool]:
    """(address, segment, leave by default) as CLI2 ``flashDfu`` picks them."""
    function = image.function
    if function == ModuleFunction.BOOTLOADER:
        raise DfuPlanError(
            "a bootloader cannot be flashed over DFU: it lives at 0x08000000 and alt 0 refuses "
            "writes below 0x08020000. Particle's CLI sends it through the OTA region "
            f"(0x{OTA_REGION:08x}) plus the OTA flag for the system firmware to install; "
            "harken does not do that over DFU (flash it over serial instead)"
        )
    if factory and function != ModuleFunction.USER_PART:
        raise DfuPlanError(f"--factory takes a user part, not a {image.function_name}")
    if function == ModuleFunction.USER_PART:
        user_slot = _slot_start(platform, ModuleFunction.USER_PART, 1)
        assert user_slot is not None  # every Gen 2 platform has one
        # The factory restore copies the image to the user slot only if it is linked there.
        _check_start(image, platform, user_slot, force, warnings)
        if factory:
            return FACTORY_ADDRESS[platform.platform_id], "factoryReset", False
        return image.start_address, "userFirmware", True
    if function == ModuleFunction.SYSTEM_PART:
        slot = _slot_start(platform, ModuleFunction.SYSTEM_PART, image.index)
        if slot is None:
            raise DfuPlanError(f"a {platform.name} has no system part {image.index}")
        _check_start(image, platform, slot, force, warnings)
        return image.start_address, _SYSTEM_SEGMENTS[image.index], False
    if function == ModuleFunction.MONO_FIRMWARE:
        slot = _slot_start(platform, ModuleFunction.MONO_FIRMWARE, 0)
        assert slot is not None
        _check_start(image, platform, slot, force, warnings)
        return slot, "systemFirmwareOne", False
    raise DfuPlanError(
        f"unknown module function {function} ({image.function_name}): DFU takes user parts, "
        "system parts and monolithic firmware"
    )


def _describe(
    platform: Platform, module: str, size: int, address: int, segment: str, leave: bool
) -> str:
    then = (
        "then leave DFU mode (the device resets about 0.5 s later and runs it)"
        if leave
        else "and stay in DFU mode (reset the device, or flash the next part)"
    )
    return (
        f"{platform.name} {module} ({size} bytes): write to "
        f"{PARTICLE_USB_VID:04x}:{platform.usb_dfu_pid:04x} alt {INTERNAL_FLASH_ALT} (internal "
        f"flash) at 0x{address:08X}..0x{address + size - 1:08X} ({segment}), {then}"
    )


def dfu_util_command(
    plan: DfuPlan, file: Path, serial: str | None = None, *, program: str = DFU_UTIL
) -> list[str]:
    """The ``dfu-util`` argv carrying out ``plan`` with ``file``, as particle-cli 2.x builds it
    (``-d 2b04:d006 -a 0 -i 0 -s 0x080A0000:leave -D file``); ``serial`` (the device id, the
    DFU-mode USB serial number) picks one device among several with ``-S``."""
    argv = [program, "-d", plan.usb_id, "-a", str(plan.alt), "-i", str(plan.interface)]
    if serial is not None:
        if not serial or "," in serial:  # dfu-util reads "a,b" as runtime and DFU serials
            raise DfuPlanError(f"not a USB serial number: {serial!r}")
        # Gen 2 bootloaders report the device id in lower case; dfu-util compares exactly.
        argv += ["-S", serial.lower() if _DEVICE_ID.fullmatch(serial) else serial]
    return [*argv, "-s", plan.dfuse_address, "-D", str(file)]
