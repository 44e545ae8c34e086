"""Module binaries (harken.protocol.module_binary): the construct models against the spec's
worked example, synthetic modules of every Gen 2 kind, stamping, corruption, truncation and
garbage. The ``harken binary`` command is tested in test_cli_binary.py."""

from __future__ import annotations

import hashlib
import random
import zlib

import pytest

from harken.errors import HarkenError
from harken.protocol.module_binary import (
    MAX_MODULE_SIZE,
    PREFIX,
    SUFFIX,
    TAIL,
    ModuleFormatError,
    parse_module,
    seal_module,
    stamp_module,
)
from synthetic_modules import GEN2_KINDS, SYSTEM_PART, UNSET, USER_PART, build_module

FUNCTION_NAMES = {2: "bootloader", 4: "system-part", 5: "user-part"}
PLATFORM_NAMES = {6: "photon", 8: "p1", 10: "electron"}

# spec §11: the Photon Tinker 0.4.5 user part's prefix and its last 48 bytes
TINKER_PREFIX = bytes.fromhex("00000a08 c8140a08 00 00 0300 0600 05 01 04020600 00000000")
TINKER_SHA = "b3a6dcd529be70fbe24ee959c7305d58e3bc9a04acdce8f093c7a1f759097d09"
TINKER_TAIL = bytes.fromhex(f"ffffffff 0600 0200 0000 {TINKER_SHA} 2800 4a738441")


def small_user_part() -> bytes:
    """The smallest kind of module: prefix at 0, 16 bytes of body, product fields."""
    return build_module(6, USER_PART, 1, body=16, product=(1234, 5))


def small_system_part() -> bytes:
    """A module with the 0x184-byte vector table before its prefix."""
    return build_module(6, SYSTEM_PART, 2, body=16)


# --- models ------------------------------------------------------------------------------------


def test_model_sizes_match_the_c_structs():
    assert (PREFIX.sizeof(), SUFFIX.sizeof(), TAIL.sizeof()) == (24, 36, 44)


def test_prefix_model_decodes_the_spec_example():
    p = PREFIX.parse(TINKER_PREFIX)
    assert (p.start_address, p.end_address, p.end_address - p.start_address) == (
        0x080A0000,
        0x080A14C8,
        5324 - 4,
    )
    assert (p.reserved, p.flags, p.version, p.platform_id, p.function, p.index) == (
        0, 0, 3, 6, 5, 1,
    )  # fmt: skip
    assert (p.dependency.function, p.dependency.index, p.dependency.version) == (4, 2, 6)
    assert (p.dependency2.function, p.dependency2.index, p.dependency2.version) == (0, 0, 0)
    assert PREFIX.build(p) == TINKER_PREFIX


def test_tail_model_decodes_the_spec_example():
    tail = TAIL.parse(TINKER_TAIL[4:])
    assert (tail.product.product_id, tail.product.product_version) == (6, 2)
    assert (tail.suffix.reserved, tail.suffix.size) == (0, 40)
    assert tail.suffix.sha256.hex() == TINKER_SHA
    assert tail.crc.crc32 == 0x4A738441  # stored big-endian


# --- synthetic modules of every Gen 2 kind -----------------------------------------------------


@pytest.mark.parametrize("kind", sorted(GEN2_KINDS), ids=lambda k: "-".join(map(str, k)))
def test_every_gen2_kind_parses(kind):
    platform_id, function, index = kind
    data = build_module(platform_id, function, index, version=321)
    image = parse_module(data)
    assert (image.platform_id, image.platform_name) == (platform_id, PLATFORM_NAMES[platform_id])
    assert (image.function, image.function_name) == (function, FUNCTION_NAMES[function])
    assert (image.index, image.version, image.size) == (index, 321, len(data))
    assert image.end_address - image.start_address + 4 == len(data)
    vector_table = function != USER_PART and (platform_id, index) != (10, 3)
    assert image.prefix_offset == (0x184 if vector_table else 0)
    deps = tuple((d.function, d.index, d.version) for d in image.dependencies)
    assert deps == GEN2_KINDS[kind]
    assert (image.product_id, image.product_version) == (UNSET, UNSET)
    assert (image.flags, image.reserved, image.suffix_size, image.suffix_reserved) == (0, 0, 40, 0)
    assert image.crc_ok and image.sha_ok and image.valid
    assert image.crc32 == zlib.crc32(data[:-4]) == int.from_bytes(data[-4:], "big")
    assert image.sha256 == hashlib.sha256(data[:-38]).hexdigest() == data[-38:-6].hex()
    assert image.problems == ()


def test_product_fields_are_read_before_the_suffix():
    image = parse_module(build_module(10, USER_PART, 1, product=(4321, 17)))
    assert (image.product_id, image.product_version) == (4321, 17)


def test_a_short_suffix_has_no_product_fields():
    image = parse_module(build_module(6, USER_PART, 1, suffix_size=36))
    assert (image.product_id, image.product_version) == (None, None)
    assert any("suffix size 36" in p for p in image.problems)


def test_foreign_prefix_offsets_are_found_like_particles_tools():
    # a Gen 3 style module: 0x200-byte vector table (first word a stack pointer) before the prefix
    data = build_module(12, 2, 0, start=0xF4000, prefix_offset=0x200, body=32)
    image = parse_module(data)
    assert (image.prefix_offset, image.platform_name, image.function_name) == (
        0x200,
        "argon",
        "bootloader",
    )
    assert image.valid and image.problems == ()  # other platforms are not judged


def test_monolithic_firmware_has_its_own_slot():
    # harken's own firmware is monolithic: one module at 0x08020000, vector table first
    mono = parse_module(build_module(10, 3, 0, body=64))
    assert (mono.function_name, mono.prefix_offset, mono.start_address) == (
        "mono-firmware",
        0x184,
        0x08020000,
    )
    assert mono.valid and mono.problems == ()
    elsewhere = parse_module(build_module(6, 3, 0, start=0x08000000))
    assert any("linked at 0x08020000" in p for p in elsewhere.problems)


def test_layout_problems_are_reported():
    moved = parse_module(build_module(6, USER_PART, 1, start=0x08080000))
    assert moved.valid
    assert any("0x080a0000" in p for p in moved.problems)
    flagged = parse_module(build_module(8, SYSTEM_PART, 1, flags=0x02))
    assert any("flags 0x02" in p for p in flagged.problems)
    misplaced = parse_module(build_module(10, SYSTEM_PART, 3, prefix_offset=0x184))
    assert any("prefix at 0x184" in p for p in misplaced.problems)


# --- stamping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(GEN2_KINDS), ids=lambda k: "-".join(map(str, k)))
def test_stamping_round_trips(kind):
    original = build_module(*kind)
    stamped = stamp_module(original, 1234, 7)
    before, after = parse_module(original), parse_module(stamped)
    assert (after.product_id, after.product_version) == (1234, 7)
    assert after.valid
    untouched = ("prefix_offset", "start_address", "end_address", "version", "dependencies")
    assert all(getattr(before, f) == getattr(after, f) for f in untouched)
    # only the product fields, the SHA-256 and the CRC-32 change
    size = len(original)
    changed = {i for i in range(size) if original[i] != stamped[i]}
    assert changed <= set(range(size - 44, size - 40)) | set(range(size - 38, size - 6)) | set(
        range(size - 4, size)
    )
    # computed independently: SHA over [0, L-38), then CRC over [0, L-4) stored big-endian
    assert stamped[-38:-6] == hashlib.sha256(stamped[:-38]).digest()
    assert stamped[-4:] == zlib.crc32(stamped[:-4]).to_bytes(4, "big")
    assert stamp_module(stamped, UNSET, UNSET) == original


def test_stamping_a_product_image_back_restores_it():
    original = build_module(8, USER_PART, 1, product=(99, 3))
    assert stamp_module(stamp_module(original, 0, 0), 99, 3) == original
    assert parse_module(stamp_module(original, 0xFFFF, 0)).product_id == 0xFFFF


@pytest.mark.parametrize("pid, version", [(-1, 0), (0, -1), (0x10000, 0), (0, 0x10000)])
def test_stamping_refuses_values_beyond_u16(pid, version):
    with pytest.raises(ValueError, match="outside 0..65535"):
        stamp_module(small_user_part(), pid, version)


def test_stamping_refuses_damaged_or_productless_modules():
    damaged = bytearray(small_user_part())
    damaged[30] ^= 1
    with pytest.raises(ModuleFormatError, match="damaged"):
        stamp_module(bytes(damaged), 1, 1)
    with pytest.raises(ModuleFormatError, match="no product fields"):
        stamp_module(build_module(6, USER_PART, 1, suffix_size=36), 1, 1)
    with pytest.raises(ModuleFormatError):
        stamp_module(b"\0" * 100, 1, 1)


# --- corruption, truncation, garbage -----------------------------------------------------------


def _check_corrupted(data: bytes, position: int) -> None:
    try:
        image = parse_module(data)
    except ModuleFormatError:
        return
    assert not image.crc_ok, f"corruption at {position} went unnoticed"
    if position < len(data) - 38:
        assert not image.sha_ok, f"corruption at {position} kept the SHA-256"


def test_every_single_byte_corruption_of_a_small_module_is_detected():
    original = small_user_part()
    for position in range(len(original)):
        for mask in range(1, 256):
            data = bytearray(original)
            data[position] ^= mask
            _check_corrupted(bytes(data), position)


def test_corruption_of_a_module_with_a_vector_table_is_detected():
    original = small_system_part()
    for position in range(len(original)):
        for mask in (0x01, 0x10, 0x80, 0xFF):
            data = bytearray(original)
            data[position] ^= mask
            _check_corrupted(bytes(data), position)


@pytest.mark.parametrize("build", [small_user_part, small_system_part])
def test_every_truncation_is_a_format_error(build):
    data = build()
    for length in range(len(data)):
        with pytest.raises(ModuleFormatError):
            parse_module(data[:length])


@pytest.mark.parametrize("extra", [1, 4, 44, 1000])
def test_trailing_bytes_are_a_format_error(extra):
    with pytest.raises(ModuleFormatError, match="describes"):
        parse_module(small_user_part() + b"\xff" * extra)


def test_a_length_beyond_the_file_is_reported_as_truncation():
    data = bytearray(small_user_part())
    data[4:8] = (0x080A0000 + 0x10000).to_bytes(4, "little")  # end address 64 KiB on
    with pytest.raises(ModuleFormatError, match="truncated: .* 65540 bytes"):
        parse_module(bytes(data))
    data[4:8] = (0x080A0000 + 0x7FFFFFF0).to_bytes(4, "little")
    with pytest.raises(ModuleFormatError, match="more than any module"):
        parse_module(bytes(data))


def test_oversized_files_are_refused_before_parsing():
    with pytest.raises(ModuleFormatError, match="larger than any module"):
        parse_module(bytes(MAX_MODULE_SIZE + 1))


@pytest.mark.parametrize("fill", [0x00, 0xFF])
@pytest.mark.parametrize("size", [0, 1, 24, 67, 68, 500, 0x184 + 68, 16384])
def test_blank_images_are_format_errors(fill, size):
    with pytest.raises(ModuleFormatError):
        parse_module(bytes([fill]) * size)


def test_random_garbage_never_raises_anything_else():
    rng = random.Random(20240601)
    for _ in range(200):
        data = rng.randbytes(rng.choice([70, 100, 400, 3000, 9000]))
        try:
            image = parse_module(data)
        except ModuleFormatError as exc:
            assert isinstance(exc, HarkenError) and str(exc)
        else:
            assert not image.valid


def test_seal_refuses_what_cannot_hold_a_suffix():
    with pytest.raises(ModuleFormatError):
        seal_module(b"\0" * 43)
