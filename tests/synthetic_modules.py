"""Synthetic Gen 2 module binaries for the tests, built with harken's own construct models
the way the Device OS linker lays them out (spec module-format.md §1, §4.1)."""

from __future__ import annotations

import hashlib

from harken.protocol.module_binary import CRC, PREFIX, PRODUCT_DATA, SUFFIX, seal_module
from harken.protocol.module_layout import VECTOR_TABLE_SIZE, ModuleFunction, module_slots

UNSET = 0xFFFF
STACK_TOP = 0x20020000  # 128 KiB of SRAM: the initial stack pointer of Gen 2 vector tables
BOOTLOADER, SYSTEM_PART, USER_PART = (
    ModuleFunction.BOOTLOADER,
    ModuleFunction.SYSTEM_PART,
    ModuleFunction.USER_PART,
)

# (platform id, function, index) of every Gen 2 module kind, with the dependencies the
# 2.2.0 build gives it (§3.1): Photon/P1 part 1 needs part 2 >= 207, and so on.
NO_DEPENDENCY = (0, 0, 0)
GEN2_KINDS: dict[tuple[int, int, int], tuple[tuple[int, int, int], tuple[int, int, int]]] = {}
for _platform in (6, 8):
    GEN2_KINDS[(_platform, BOOTLOADER, 0)] = (NO_DEPENDENCY, NO_DEPENDENCY)
    GEN2_KINDS[(_platform, SYSTEM_PART, 1)] = ((4, 2, 207), NO_DEPENDENCY)
    GEN2_KINDS[(_platform, SYSTEM_PART, 2)] = ((4, 1, 2202), (2, 0, 1003))
    GEN2_KINDS[(_platform, USER_PART, 1)] = ((4, 2, 2202), NO_DEPENDENCY)
GEN2_KINDS[(10, BOOTLOADER, 0)] = (NO_DEPENDENCY, NO_DEPENDENCY)
GEN2_KINDS[(10, SYSTEM_PART, 1)] = ((4, 3, 2202), NO_DEPENDENCY)
GEN2_KINDS[(10, SYSTEM_PART, 2)] = ((4, 1, 2202), (2, 0, 1003))
GEN2_KINDS[(10, SYSTEM_PART, 3)] = ((4, 2, 110), NO_DEPENDENCY)
GEN2_KINDS[(10, USER_PART, 1)] = ((4, 2, 2202), NO_DEPENDENCY)


def body_bytes(size: int, seed: str = "body") -> bytes:
    """Deterministic code-like filler."""
    out = bytearray()
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def vector_table(start: int) -> bytes:
    """A 97-word table: stack pointer, reset handler (Thumb), the rest zero."""
    words = [STACK_TOP, (start + VECTOR_TABLE_SIZE + 0x40) | 1] + [0] * 95
    return b"".join(w.to_bytes(4, "little") for w in words)


def build_module(
    platform_id: int,
    function: int,
    index: int,
    *,
    version: int | None = None,
    dependencies: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None,
    body: bytes | int = 64,
    product: tuple[int, int] | None = None,
    start: int | None = None,
    prefix_offset: int | None = None,
    flags: int = 0,
    suffix_size: int = 40,
) -> bytes:
    """A sealed module (valid SHA-256 and CRC). Without ``product`` the product area is the
    linker's ``FF FF FF FF`` filler, so the fields read 0xFFFF."""
    slots = module_slots(platform_id, function, index)
    start = slots[0].start_address if start is None else start
    offset = slots[0].prefix_offset if prefix_offset is None else prefix_offset
    if version is None:
        version = 1006 if function == BOOTLOADER else 2202 if function == SYSTEM_PART else 6
    deps = GEN2_KINDS.get((platform_id, function, index), (NO_DEPENDENCY,) * 2)
    deps = deps if dependencies is None else dependencies
    head = vector_table(start) if offset == VECTOR_TABLE_SIZE else body_bytes(offset, "head")
    code = body_bytes(body) if isinstance(body, int) else body
    product_area = b"\xff" * 4
    if product is not None:
        product_area += PRODUCT_DATA.build(
            {"product_id": product[0], "product_version": product[1]}
        )
    placeholder = SUFFIX.build({"reserved": 0, "sha256": bytes(range(1, 33)), "size": suffix_size})
    size = len(head) + PREFIX.sizeof() + len(code) + len(product_area) + len(placeholder) + 4
    prefix = PREFIX.build(
        {
            "start_address": start,
            "end_address": start + size - 4,
            "reserved": 0,
            "flags": flags,
            "version": version,
            "platform_id": platform_id,
            "function": function,
            "index": index,
            "dependency": dict(zip(("function", "index", "version"), deps[0], strict=True)),
            "dependency2": dict(zip(("function", "index", "version"), deps[1], strict=True)),
        }
    )
    unsealed = head + prefix + code + product_area + placeholder + CRC.build({"crc32": 0x78563412})
    assert len(unsealed) == size
    return seal_module(unsealed)
