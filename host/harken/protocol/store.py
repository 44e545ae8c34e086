"""harken's own atomic config store file (``dct.bin``): two 16 KiB sectors, newest valid wins.

Sector layout::

    0      magic      u32 LE  0x43444B48 ("HKDC")
    4      format     u16 LE  1
    6      reserved   u16
    8      sequence   u32 LE  (serial number arithmetic)
    12     crc32      u32 LE  zlib.crc32(sector[4:12] + sector[16:15939])
    6704   WICED Wi-Fi section (844 bytes)
    7548   application_dct_t (8391 bytes)
    15939… 0xFF

A sector is valid iff magic and CRC match. The current copy is the valid one whose sequence
is newer (``a`` newer than ``b`` iff ``(a - b) mod 2**32`` is in ``1 .. 2**31 - 1``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from construct import Int16ul, Int32ul, Struct

from harken.protocol.dct import APP_DCT_SIZE
from harken.protocol.wifi_config import WIFI_CONFIG_SIZE

SECTOR_SIZE = 16384
SECTOR_COUNT = 2
STORE_SIZE = SECTOR_SIZE * SECTOR_COUNT
MAGIC = 0x43444B48
FORMAT = 1
HEADER_SIZE = 16
WIFI_CONFIG_OFFSET = 6704
APP_DCT_OFFSET = 7548
DATA_END = APP_DCT_OFFSET + APP_DCT_SIZE  # 15939

SECTOR_HEADER = Struct(
    "magic" / Int32ul,
    "format" / Int16ul,
    "reserved" / Int16ul,
    "sequence" / Int32ul,
    "crc32" / Int32ul,
)

assert SECTOR_HEADER.sizeof() == HEADER_SIZE
assert WIFI_CONFIG_OFFSET + WIFI_CONFIG_SIZE == APP_DCT_OFFSET


@dataclass(frozen=True)
class StoreSector:
    """One sector of a store image."""

    index: int
    magic_ok: bool
    crc_ok: bool
    format: int
    sequence: int
    raw: bytes = field(repr=False)  # holds claim codes, Wi-Fi keys, enterprise secrets

    @property
    def valid(self) -> bool:
        """Magic and CRC both match."""
        return self.magic_ok and self.crc_ok

    @property
    def wifi_config(self) -> bytes:
        """The 844-byte WICED Wi-Fi section."""
        return self.raw[WIFI_CONFIG_OFFSET : WIFI_CONFIG_OFFSET + WIFI_CONFIG_SIZE]

    @property
    def app_dct(self) -> bytes:
        """The 8391-byte ``application_dct_t``."""
        return self.raw[APP_DCT_OFFSET:DATA_END]


def sector_crc(sector: bytes) -> int:
    """The CRC a sector's header must carry: over bytes 4..11 then 16..15938."""
    return zlib.crc32(bytes(sector[4:12]) + bytes(sector[HEADER_SIZE:DATA_END])) & 0xFFFFFFFF


def sequence_newer(a: int, b: int) -> bool:
    """True iff sequence ``a`` is newer than ``b`` in 32-bit serial number arithmetic."""
    return 1 <= (a - b) % (1 << 32) <= (1 << 31) - 1


def parse_sector(index: int, sector: bytes) -> StoreSector:
    """Check one 16 KiB sector."""
    if len(sector) != SECTOR_SIZE:
        raise ValueError(f"a store sector is {SECTOR_SIZE} bytes, got {len(sector)}")
    header = SECTOR_HEADER.parse(bytes(sector[:HEADER_SIZE]))
    return StoreSector(
        index=index,
        magic_ok=header.magic == MAGIC,
        crc_ok=header.crc32 == sector_crc(sector),
        format=header.format,
        sequence=header.sequence,
        raw=bytes(sector),
    )


def parse_store(image: bytes) -> tuple[StoreSector, ...]:
    """Both sectors of a ``dct.bin`` image."""
    if len(image) != STORE_SIZE:
        raise ValueError(f"a store image is {STORE_SIZE} bytes, got {len(image)}")
    return tuple(
        parse_sector(i, image[i * SECTOR_SIZE : (i + 1) * SECTOR_SIZE]) for i in range(SECTOR_COUNT)
    )


def current_sector(image: bytes) -> StoreSector | None:
    """The current copy: the valid sector with the newer sequence (sector 0 on a tie);
    None when neither sector is valid."""
    best: StoreSector | None = None
    for sector in parse_store(image):
        if sector.valid and (best is None or sequence_newer(sector.sequence, best.sequence)):
            best = sector
    return best


def is_store_image(data: bytes) -> bool:
    """A ``dct.bin`` store: exactly 32768 bytes with the magic in at least one sector."""
    if len(data) != STORE_SIZE:
        return False
    magic = MAGIC.to_bytes(4, "little")
    return any(data[i * SECTOR_SIZE : i * SECTOR_SIZE + 4] == magic for i in range(SECTOR_COUNT))


def build_sector(
    sequence: int,
    wifi_config: bytes | None = None,
    app_dct: bytes | None = None,
    format_version: int = FORMAT,
) -> bytes:
    """A valid sector holding the given sections (erased 0xFF where not given)."""
    sector = bytearray(b"\xff" * SECTOR_SIZE)
    if wifi_config is not None:
        if len(wifi_config) != WIFI_CONFIG_SIZE:
            raise ValueError(f"Wi-Fi section is {WIFI_CONFIG_SIZE} bytes")
        sector[WIFI_CONFIG_OFFSET:APP_DCT_OFFSET] = wifi_config
    if app_dct is not None:
        if len(app_dct) != APP_DCT_SIZE:
            raise ValueError(f"app DCT is {APP_DCT_SIZE} bytes")
        sector[APP_DCT_OFFSET:DATA_END] = app_dct
    sector[:HEADER_SIZE] = SECTOR_HEADER.build(
        {
            "magic": MAGIC,
            "format": format_version,
            "reserved": 0,
            "sequence": sequence & 0xFFFFFFFF,
            "crc32": 0,
        }
    )
    crc = sector_crc(sector)
    sector[12:16] = crc.to_bytes(4, "little")
    return bytes(sector)
