"""Facts about where firmware modules live, from the module-format spec: module function codes
(§2.1), prefix flags (§2.2), platform names (§7), the prefix offset of each Gen 2 module kind
(§1.1) and the Photon/P1/Electron flash slots (§9).

:func:`layout_problems` compares a parsed prefix with these facts; it reports, it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag

from harken.protocol.platform import ELECTRON, P1, PHOTON


class ModuleFunction(IntEnum):
    """``module_function_t`` codes."""

    NONE = 0
    RESOURCE = 1
    BOOTLOADER = 2
    MONO_FIRMWARE = 3
    SYSTEM_PART = 4
    USER_PART = 5
    SETTINGS = 6
    NCP_FIRMWARE = 7
    RADIO_STACK = 8
    ASSET = 9


class ModuleFlag(IntFlag):
    """``module_info_flags_t`` bits; Gen 2 modules carry none of them."""

    DROP_MODULE_INFO = 0x01
    COMPRESSED = 0x02
    COMBINED = 0x04
    ENCRYPTED = 0x08
    PREFIX_EXTENSIONS = 0x10


KNOWN_FLAGS = 0x1F

PLATFORM_NAMES: dict[int, str] = {
    0: "core",
    3: "gcc",
    4: "photon-dev",
    5: "teacup-pigtail-dev",
    6: "photon",
    7: "teacup-pigtail",
    8: "p1",
    9: "ethernet-proto",
    10: "electron",
    12: "argon",
    13: "boron",
    14: "xenon",
    15: "esomx",
    22: "asom",
    23: "bsom",
    24: "xsom",
    25: "b5som",
    26: "tracker",
    28: "trackerm",
    32: "p2",
    35: "msom",
    88: "duo",
    103: "bluz",
    60000: "newhal",
}

GEN2_SUFFIX_SIZE = 40  # module_info_suffix_t (36) + product id and version (4)
VECTOR_TABLE_SIZE = 0x184  # 97 words: the STM32F2 vector table before some prefixes


def function_name(code: int) -> str:
    """``system-part``, ``user-part``, ``bootloader``…; ``unknown`` for codes beyond §2.1."""
    try:
        return ModuleFunction(code).name.lower().replace("_", "-")
    except ValueError:
        return "unknown"


def platform_name(platform_id: int) -> str | None:
    """The spec's name for a platform id, None when it is not in §7."""
    return PLATFORM_NAMES.get(platform_id)


@dataclass(frozen=True)
class ModuleSlot:
    """Where a Gen 2 module of one function and index is linked, and how large it may be."""

    function: ModuleFunction
    index: int
    start_address: int
    max_size: int
    prefix_offset: int


_BOOTLOADER = ModuleSlot(ModuleFunction.BOOTLOADER, 0, 0x08000000, 0x4000, VECTOR_TABLE_SIZE)
_SYSTEM = ModuleFunction.SYSTEM_PART
_USER = ModuleFunction.USER_PART
# Monolithic firmware (system and app in one module, as harken's own firmware is built) has
# bounds on every Gen 2 platform, though Particle's production releases never use them (§9.3).
_MONOLITHIC = ModuleSlot(ModuleFunction.MONO_FIRMWARE, 0, 0x08020000, 0x60000, VECTOR_TABLE_SIZE)

# Start addresses are where a module is linked to run. Copies kept in the factory and OTA
# regions are linked for the same place (the bootloader checks start == destination).
# Photon and P1 share a map.
_PHOTON_SLOTS = (
    _BOOTLOADER,
    ModuleSlot(_SYSTEM, 1, 0x08020000, 0x40000, VECTOR_TABLE_SIZE),
    ModuleSlot(_SYSTEM, 2, 0x08060000, 0x40000, VECTOR_TABLE_SIZE),
    ModuleSlot(_USER, 1, 0x080A0000, 0x20000, 0),
    _MONOLITHIC,
)
# Electron release files are named part1/2/3 for indices 3/1/2; part 3 has no vector table.
_ELECTRON_SLOTS = (
    _BOOTLOADER,
    ModuleSlot(_SYSTEM, 1, 0x08020000, 0x20000, VECTOR_TABLE_SIZE),
    ModuleSlot(_SYSTEM, 2, 0x08040000, 0x20000, VECTOR_TABLE_SIZE),
    ModuleSlot(_SYSTEM, 3, 0x08060000, 0x20000, 0),
    ModuleSlot(_USER, 1, 0x08080000, 0x20000, 0),
    _MONOLITHIC,
)

GEN2_SLOTS: dict[int, tuple[ModuleSlot, ...]] = {
    PHOTON.platform_id: _PHOTON_SLOTS,
    P1.platform_id: _PHOTON_SLOTS,
    ELECTRON.platform_id: _ELECTRON_SLOTS,
}


def module_slots(platform_id: int, function: int, index: int) -> tuple[ModuleSlot, ...]:
    """The Gen 2 slots a module of this platform, function and index may be linked for."""
    return tuple(
        slot
        for slot in GEN2_SLOTS.get(platform_id, ())
        if slot.function == function and slot.index == index
    )


def layout_problems(
    *,
    platform_id: int,
    function: int,
    index: int,
    start_address: int,
    size: int,
    prefix_offset: int,
    flags: int,
    suffix_size: int,
) -> tuple[str, ...]:
    """Where a module departs from the Gen 2 layout (empty for Particle's own Gen 2 modules).
    Other platforms are not judged."""
    if platform_id not in GEN2_SLOTS:
        return ()
    kind = f"{function_name(function)} {index}"
    problems: list[str] = []
    if flags:
        problems.append(f"flags 0x{flags:02x} set; Gen 2 modules carry none")
    if suffix_size != GEN2_SUFFIX_SIZE:
        problems.append(f"suffix size {suffix_size}; Gen 2 modules have {GEN2_SUFFIX_SIZE}")
    slots = module_slots(platform_id, function, index)
    if not slots:
        problems.append(f"no {platform_name(platform_id)} flash slot for a {kind}")
        return tuple(problems)
    slot = next((s for s in slots if s.start_address == start_address), None)
    if slot is None:
        places = " or ".join(f"0x{s.start_address:08x}" for s in slots)
        problems.append(f"starts at 0x{start_address:08x}; a {kind} is linked at {places}")
        slot = slots[0]
    if size > slot.max_size:
        problems.append(f"{size} bytes exceed the {kind} slot ({slot.max_size} bytes)")
    if prefix_offset != slot.prefix_offset:
        problems.append(
            f"prefix at 0x{prefix_offset:x}; a Gen 2 {kind} has it at 0x{slot.prefix_offset:x}"
        )
    return tuple(problems)
