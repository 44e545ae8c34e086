"""What a harken device decides about a firmware image sent to it over YMODEM, computed on
the host: the same checks in the same order as the device (protocol/firmware-update.md,
``firmware/src/core/update_validation.cpp``), so a host can predict the device's
``Validation failed: <code>`` before sending, and tests can state what the device must say.

The checks are Device OS's for an OTA image (module-format.md §10.3: integrity,
dependencies, range, platform, in that order of report) and harken's product rule.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from harken.protocol.module_binary import device_prefix_offset
from harken.protocol.module_layout import ModuleFunction

MODULE_NOT_FOUND = -1300
UNSUPPORTED_MODULE = -1310
VALIDATION_FAILED = -1320
INTEGRITY = -1330
DEPENDENCY = -1340
ADDRESS = -1350
PLATFORM = -1360
ERROR_NAMES: dict[int, str] = {
    0: "valid",
    MODULE_NOT_FOUND: "no module found",
    UNSUPPORTED_MODULE: "unsupported module",
    VALIDATION_FAILED: "for another product",
    INTEGRITY: "integrity check failed",
    DEPENDENCY: "dependency check failed",
    ADDRESS: "not for this slot",
    PLATFORM: "not for this platform",
}

CHECK_INTEGRITY, CHECK_DEPENDENCIES, CHECK_RANGE, CHECK_PLATFORM, CHECK_PRODUCT = (
    0x02,
    0x04,
    0x08,
    0x10,
    0x20,
)
NO_PRODUCT = 0xFFFF
_PREFIX = struct.Struct("<IIBBHHBB4s4s")
_UNSUPPORTED_FLAGS = 0x07  # drop-module-info, compressed, combined
_PRODUCT_SUFFIX_SIZE = 40

MONOLITHIC_SLOT_SIZE = 0x60000
BOARD_SLOT_START = 0x08020000
"""Where harken's board images (and so the native device's) are linked."""
QEMU_SLOT_START = 0x08000000
"""Where harken's QEMU images are linked (no bootloader in front)."""


@dataclass(frozen=True)
class UpdateTarget:
    """What a device accepts: its platform, the slot images must be linked for, the product
    it belongs to and the module installed (what dependencies may name)."""

    platform_id: int
    slot_start: int = BOARD_SLOT_START
    slot_size: int = MONOLITHIC_SLOT_SIZE
    product_id: int = NO_PRODUCT
    installed: tuple[int, int, int] | None = (int(ModuleFunction.MONO_FIRMWARE), 0, 2302)
    """(function, index, version) of the running module; None: nothing."""


@dataclass(frozen=True)
class UpdateVerdict:
    """The device's answer: 0 or the system error code, and the validity bits."""

    code: int
    checked: int = 0
    passed: int = 0
    length: int = 0
    """Module bytes plus the CRC: what gets installed."""
    product_id: int = NO_PRODUCT
    product_version: int = NO_PRODUCT

    @property
    def accepted(self) -> bool:
        """The device would stage and install the image."""
        return self.code == 0

    @property
    def reason(self) -> str:
        """A readable name for the code."""
        return ERROR_NAMES.get(self.code, "validation failed")


def _is_product(product_id: int, platform_id: int) -> bool:
    return product_id not in (NO_PRODUCT, platform_id)


def _dependency_met(
    function: int,
    index: int,
    version: int,
    own_function: int,
    installed: tuple[int, int, int] | None,
) -> bool:
    if function == 0 or own_function == ModuleFunction.USER_PART:
        return True  # user parts' dependencies are optional at update time
    return installed is not None and (function, index) == installed[:2] and version <= installed[2]


def check_update(data: bytes, target: UpdateTarget) -> UpdateVerdict:
    """The device's verdict on a file of these bytes (YMODEM padding included or not)."""
    size = len(data)
    if size < 4:
        return UpdateVerdict(MODULE_NOT_FOUND)
    at = device_prefix_offset(data)
    if size < at + _PREFIX.size:
        return UpdateVerdict(MODULE_NOT_FOUND)
    start, end, _, flags, _, platform_id, function, index, dep1, dep2 = _PREFIX.unpack_from(
        data, at
    )
    length = end - start
    if end <= start or length < at + _PREFIX.size or length > size - 4:
        return UpdateVerdict(MODULE_NOT_FOUND)
    product_id = product_version = NO_PRODUCT
    if length >= _PREFIX.size + 4 + 36:
        suffix_size = struct.unpack_from("<H", data, length - 2)[0]
        if suffix_size >= _PRODUCT_SUFFIX_SIZE:
            product_id, product_version = struct.unpack_from("<HH", data, length - 40)
    passed = 0
    if zlib.crc32(data[:length]) == struct.unpack_from(">I", data, length)[0]:
        passed |= CHECK_INTEGRITY
    if all(
        _dependency_met(*struct.unpack("<BBH", dep), function, target.installed)
        for dep in (dep1, dep2)
    ):
        passed |= CHECK_DEPENDENCIES
    if (
        function == ModuleFunction.MONO_FIRMWARE
        and index == 0
        and start == target.slot_start
        and length + 4 <= target.slot_size
    ):
        passed |= CHECK_RANGE
    if platform_id == target.platform_id:
        passed |= CHECK_PLATFORM
    if not (
        _is_product(product_id, target.platform_id)
        and _is_product(target.product_id, target.platform_id)
        and product_id != target.product_id
    ):
        passed |= CHECK_PRODUCT
    checked = CHECK_INTEGRITY | CHECK_DEPENDENCIES | CHECK_RANGE | CHECK_PLATFORM | CHECK_PRODUCT
    code = 0
    for bit, failure in (
        (CHECK_INTEGRITY, INTEGRITY),
        (CHECK_DEPENDENCIES, DEPENDENCY),
        (CHECK_RANGE, ADDRESS),
        (CHECK_PLATFORM, PLATFORM),
        (CHECK_PRODUCT, VALIDATION_FAILED),
    ):
        if not passed & bit:
            code = failure
            break
    if code == 0 and flags & _UNSUPPORTED_FLAGS:
        code = UNSUPPORTED_MODULE
    return UpdateVerdict(code, checked, passed, length + 4, product_id, product_version)
