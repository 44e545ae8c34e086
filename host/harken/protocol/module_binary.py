"""Particle firmware module binaries (``.bin``) of Gen 2 Device OS: parse, verify and stamp.

A module file is exactly what lives in flash from ``module_start_address`` up to and including
its CRC (spec module-format.md §1)::

    [vector table, 0x184 B] | prefix (24 B) | body | product data | suffix (36 B) | CRC-32 (4 B)

Integers are little-endian except the CRC-32 (big-endian). The SHA-256 covers ``[0, L-38)``,
the CRC-32 ``[0, L-4)`` (§6); product id and version sit at ``L-44`` and ``L-42`` (§4).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from construct import Bytes, Int8ul, Int16ul, Int32ub, Int32ul, Struct

from harken.errors import HarkenError
from harken.protocol.module_layout import (
    GEN2_SUFFIX_SIZE,
    KNOWN_FLAGS,
    PLATFORM_NAMES,
    VECTOR_TABLE_SIZE,
    ModuleFunction,
    function_name,
    layout_problems,
    platform_name,
)

DEPENDENCY = Struct("function" / Int8ul, "index" / Int8ul, "version" / Int16ul)
"""``module_dependency_t``: a module of this function and index must be at least ``version``."""

PREFIX = Struct(
    "start_address" / Int32ul,
    "end_address" / Int32ul,  # where the CRC begins
    "reserved" / Int8ul,
    "flags" / Int8ul,
    "version" / Int16ul,
    "platform_id" / Int16ul,
    "function" / Int8ul,
    "index" / Int8ul,
    "dependency" / DEPENDENCY,
    "dependency2" / DEPENDENCY,
)
"""``module_info_t``, the 24-byte module prefix."""

PRODUCT_DATA = Struct("product_id" / Int16ul, "product_version" / Int16ul)
"""The product fields just before the suffix struct (``L-44``)."""

SUFFIX = Struct("reserved" / Int16ul, "sha256" / Bytes(32), "size" / Int16ul)
"""``module_info_suffix_t``; ``size`` counts it and the product data (40 on Gen 2)."""

CRC = Struct("crc32" / Int32ub)
"""``module_info_crc_t``: CRC-32 (zlib's) of everything before it, stored big-endian."""

TAIL = Struct("product" / PRODUCT_DATA, "suffix" / SUFFIX, "crc" / CRC)
"""The last 44 bytes of a module."""

PREFIX_SIZE = PREFIX.sizeof()
TAIL_SIZE = TAIL.sizeof()
SHA_OFFSET_FROM_END = SUFFIX.sizeof() - 2 + CRC.sizeof()  # 38: the SHA starts at L-38
MIN_MODULE_SIZE = PREFIX_SIZE + TAIL_SIZE  # 68: a prefix, product data, suffix and CRC
MAX_MODULE_SIZE = 0x100000  # the STM32F205's whole flash
MAX_PREFIX_OFFSET = 8 * 1024  # Particle's tools search no further
APP_START_MASK = 0x2FF10000  # a first word in SRAM is an initial stack pointer
SRAM_BASE = 0x20000000
PREFERRED_OFFSETS = (0, 0x200, VECTOR_TABLE_SIZE, 0xC0, 0x10C)  # Gen 1-3 vector table sizes
FULL_SCORE = 7
_FUNCTION_CODES = frozenset(int(f) for f in ModuleFunction)

assert (PREFIX_SIZE, TAIL_SIZE, SHA_OFFSET_FROM_END) == (24, 44, 38)
_PREFIX_PARSER, _TAIL_PARSER = PREFIX.compile(), TAIL.compile()  # 4x faster for the search


class ModuleFormatError(HarkenError):
    """The bytes are not a (complete) firmware module."""


@dataclass(frozen=True)
class ModuleDependency:
    """One dependency slot; function 0 (``none``) marks an empty slot."""

    function: int
    function_name: str
    index: int
    version: int

    @property
    def present(self) -> bool:
        """The slot names a module."""
        return self.function != ModuleFunction.NONE


@dataclass(frozen=True)
class ModuleImage:
    """Every field of a module binary, and whether its checksums verify."""

    size: int
    prefix_offset: int
    start_address: int
    end_address: int
    reserved: int
    flags: int
    version: int
    platform_id: int
    platform_name: str | None
    function: int
    function_name: str
    index: int
    dependencies: tuple[ModuleDependency, ...]  # both slots, empty ones included
    product_id: int | None  # None when the suffix has no product fields (size < 40)
    product_version: int | None
    suffix_reserved: int
    suffix_size: int
    sha256: str  # stored, lower-case hex
    computed_sha256: str
    crc32: int  # stored
    computed_crc32: int
    crc_ok: bool
    sha_ok: bool
    problems: tuple[str, ...]  # departures from the Gen 2 layout (spec §1.1, §9)

    @property
    def valid(self) -> bool:
        """Both the CRC-32 and the SHA-256 verify."""
        return self.crc_ok and self.sha_ok


def module_crc32(data: bytes) -> int:
    """The CRC-32 a module must end with: over everything but its last 4 bytes."""
    return zlib.crc32(memoryview(data)[: len(data) - CRC.sizeof()]) & 0xFFFFFFFF


def module_sha256(data: bytes) -> bytes:
    """The SHA-256 a module's suffix must carry: over everything before the SHA field."""
    return hashlib.sha256(memoryview(data)[: len(data) - SHA_OFFSET_FROM_END]).digest()


def device_prefix_offset(data: bytes) -> int:
    """Where the device looks for the prefix: after the vector table when the first word
    looks like an initial stack pointer, else at the start."""
    first = int.from_bytes(data[:4].ljust(4, b"\0"), "little")
    return VECTOR_TABLE_SIZE if first & APP_START_MASK == SRAM_BASE else 0


def prefix_score(data: bytes, offset: int) -> int:
    """How much the 24 bytes at ``offset`` look like a prefix of ``data``: 0 = not at all,
    :data:`FULL_SCORE` = every check passes (the checks Particle's host tools use)."""
    if offset < 0 or offset + PREFIX_SIZE > len(data):
        return 0
    p = _PREFIX_PARSER.parse(data[offset : offset + PREFIX_SIZE])
    if p.end_address <= p.start_address or p.function == ModuleFunction.NONE:
        return 0
    if p.end_address - p.start_address + CRC.sizeof() > len(data):
        return 0
    for dep in (p.dependency, p.dependency2):
        if dep.function == ModuleFunction.NONE and (dep.index or dep.version):
            return 0
    functions = (p.function, p.dependency.function, p.dependency2.function)
    return (
        1
        + (p.platform_id in PLATFORM_NAMES)
        + sum(f in _FUNCTION_CODES for f in functions)
        + (p.end_address - p.start_address + CRC.sizeof() == len(data))
        + (p.flags & ~KNOWN_FLAGS == 0)
    )


def locate_prefix(data: bytes) -> int:
    """The prefix offset: the device's rule first; when that does not give a fully plausible
    prefix (a foreign binary), the best of Particle's preferred offsets and then every
    4-byte-aligned offset up to 8 KiB. Raises :class:`ModuleFormatError` if none is plausible."""
    last = min(MAX_PREFIX_OFFSET, len(data) - MIN_MODULE_SIZE)
    preferred = dict.fromkeys((device_prefix_offset(data), *PREFERRED_OFFSETS))
    candidates = [*preferred, *(o for o in range(4, last + 1, 4) if o not in preferred)]
    best, best_score = None, 0
    for offset in candidates:
        if offset > last:
            continue
        score = prefix_score(data, offset)
        if score == FULL_SCORE:
            return offset
        if score > best_score:
            best, best_score = offset, score
    if best is None:
        raise ModuleFormatError(_no_prefix_reason(data))
    return best


def _no_prefix_reason(data: bytes) -> str:
    offset = device_prefix_offset(data)
    p = _PREFIX_PARSER.parse(data[offset : offset + PREFIX_SIZE].ljust(PREFIX_SIZE, b"\0"))
    declared = p.end_address - p.start_address + CRC.sizeof()
    if p.function and len(data) < declared <= MAX_MODULE_SIZE:
        return f"truncated: the prefix at 0x{offset:x} describes {declared} bytes, got {len(data)}"
    if p.function and declared > MAX_MODULE_SIZE:
        return f"the prefix at 0x{offset:x} claims {declared} bytes, more than any module"
    return "no module prefix found (not a firmware module binary)"


def parse_module(data: bytes) -> ModuleImage:
    """Decode and verify a module binary. Raises :class:`ModuleFormatError` when the bytes
    are not one complete module (too short or long, no plausible prefix, trailing bytes)."""
    data = bytes(data)
    size = len(data)
    if size > MAX_MODULE_SIZE:
        raise ModuleFormatError(f"{size} bytes: larger than any module ({MAX_MODULE_SIZE})")
    if size < MIN_MODULE_SIZE:
        raise ModuleFormatError(
            f"truncated: {size} bytes, a module has at least {MIN_MODULE_SIZE} "
            "(prefix, product data, suffix and CRC)"
        )
    offset = locate_prefix(data)
    p = _PREFIX_PARSER.parse(data[offset : offset + PREFIX_SIZE])
    declared = p.end_address - p.start_address + CRC.sizeof()
    if declared != size:  # longer than its prefix says: padded, combined or not a module
        where = "prefix" if offset == device_prefix_offset(data) else "likeliest prefix"
        raise ModuleFormatError(
            f"the {where} at 0x{offset:x} describes {declared} bytes, the file has {size}"
        )
    tail = _TAIL_PARSER.parse(data[-TAIL_SIZE:])
    has_product = tail.suffix.size >= GEN2_SUFFIX_SIZE
    computed_sha, computed_crc = module_sha256(data), module_crc32(data)
    return ModuleImage(
        size=size,
        prefix_offset=offset,
        start_address=p.start_address,
        end_address=p.end_address,
        reserved=p.reserved,
        flags=p.flags,
        version=p.version,
        platform_id=p.platform_id,
        platform_name=platform_name(p.platform_id),
        function=p.function,
        function_name=function_name(p.function),
        index=p.index,
        dependencies=tuple(
            ModuleDependency(d.function, function_name(d.function), d.index, d.version)
            for d in (p.dependency, p.dependency2)
        ),
        product_id=tail.product.product_id if has_product else None,
        product_version=tail.product.product_version if has_product else None,
        suffix_reserved=tail.suffix.reserved,
        suffix_size=tail.suffix.size,
        sha256=tail.suffix.sha256.hex(),
        computed_sha256=computed_sha.hex(),
        crc32=tail.crc.crc32,
        computed_crc32=computed_crc,
        crc_ok=computed_crc == tail.crc.crc32,
        sha_ok=computed_sha == tail.suffix.sha256,
        problems=layout_problems(
            platform_id=p.platform_id,
            function=p.function,
            index=p.index,
            start_address=p.start_address,
            size=size,
            prefix_offset=offset,
            flags=p.flags,
            suffix_size=tail.suffix.size,
        ),
    )


def seal_module(data: bytes) -> bytes:
    """``data`` with its SHA-256 and then its CRC-32 recomputed, in that order, because the
    CRC covers the SHA (the post-link step of the firmware build, spec §5)."""
    if len(data) < TAIL_SIZE:
        raise ModuleFormatError(f"truncated: {len(data)} bytes cannot hold a module suffix")
    image = bytearray(data)
    sha_at = len(image) - SHA_OFFSET_FROM_END
    image[sha_at : sha_at + 32] = module_sha256(image)
    image[-CRC.sizeof() :] = CRC.build({"crc32": module_crc32(image)})
    return bytes(image)


def stamp_module(data: bytes, product_id: int, product_version: int) -> bytes:
    """``data`` with the suffix's product id and version replaced and the SHA-256 and CRC-32
    recomputed. Refuses an image whose checksums do not verify (stamping would hide the
    damage) or whose suffix has no product fields."""
    for name, value in (("product id", product_id), ("product version", product_version)):
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"{name} {value} is outside 0..65535")
    image = parse_module(data)
    if not image.valid:
        checks = (("CRC-32", image.crc_ok), ("SHA-256", image.sha_ok))
        failed = " and ".join(name for name, ok in checks if not ok)
        raise ModuleFormatError(f"refusing to stamp a damaged module ({failed} mismatch)")
    if image.product_id is None:
        raise ModuleFormatError(
            f"the suffix has no product fields (suffix size {image.suffix_size} < 40)"
        )
    stamped = bytearray(data)
    at = len(stamped) - TAIL_SIZE
    stamped[at : at + PRODUCT_DATA.sizeof()] = PRODUCT_DATA.build(
        {"product_id": product_id, "product_version": product_version}
    )
    return seal_module(bytes(stamped))
