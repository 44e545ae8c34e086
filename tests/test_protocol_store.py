import zlib

import pytest

from dct_images import app_dct_image, wifi_config_image
from harken.protocol.store import (
    APP_DCT_OFFSET,
    DATA_END,
    SECTOR_SIZE,
    build_sector,
    current_sector,
    is_store_image,
    parse_store,
    sector_crc,
    sequence_newer,
)


def store(first: bytes, second: bytes) -> bytes:
    return first + second


def test_sector_layout_and_crc():
    sector = build_sector(7, bytes(wifi_config_image()), bytes(app_dct_image()))
    assert len(sector) == SECTOR_SIZE
    assert sector[:4] == b"HKDC" and sector[4:6] == b"\x01\x00"
    assert int.from_bytes(sector[8:12], "little") == 7
    expected = zlib.crc32(sector[4:12] + sector[16:15939])
    assert int.from_bytes(sector[12:16], "little") == expected == sector_crc(sector)
    assert sector[DATA_END:] == b"\xff" * (SECTOR_SIZE - DATA_END)
    assert sector[APP_DCT_OFFSET : APP_DCT_OFFSET + 8391] == bytes(app_dct_image())


def test_newest_valid_copy_wins():
    old = build_sector(1, app_dct=bytes(8391))
    new = build_sector(2, app_dct=bytes(app_dct_image()))
    assert current_sector(store(old, new)).index == 1
    assert current_sector(store(new, old)).index == 0
    assert current_sector(store(new, old)).app_dct == bytes(app_dct_image())


def test_wraparound_sequence():
    assert sequence_newer(0, 0xFFFFFFFF)
    assert not sequence_newer(0xFFFFFFFF, 0)
    assert not sequence_newer(5, 5)
    assert not sequence_newer(0x80000000, 0)  # exactly half way: not newer
    wrapped = build_sector(0xFFFFFFFF)
    after = build_sector(0)
    assert current_sector(store(wrapped, after)).index == 1


def test_corrupt_copy_is_ignored():
    good = build_sector(3)
    newer = bytearray(build_sector(4))
    newer[APP_DCT_OFFSET + 10] ^= 0xFF  # torn write
    sectors = parse_store(store(good, bytes(newer)))
    assert sectors[1].magic_ok and not sectors[1].crc_ok and not sectors[1].valid
    assert current_sector(store(good, bytes(newer))).index == 0


def test_crc_ignores_magic_and_tail():
    sector = bytearray(build_sector(9))
    sector[DATA_END + 5] = 0x00  # beyond the covered range
    assert parse_store(bytes(sector) + build_sector(1))[0].valid


def test_no_valid_copy_and_detection():
    blank = b"\xff" * (2 * SECTOR_SIZE)
    assert current_sector(blank) is None
    assert not is_store_image(blank)
    assert is_store_image(build_sector(1) + b"\xff" * SECTOR_SIZE)
    assert is_store_image(b"\xff" * SECTOR_SIZE + build_sector(1))
    assert not is_store_image(build_sector(1))
    with pytest.raises(ValueError):
        parse_store(b"short")
