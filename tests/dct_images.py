"""Byte images of DCT sections for the tests, built field by field."""

from __future__ import annotations

import struct

from harken.protocol.dct import FIELD_SPANS, blank_app_dct
from harken.protocol.wifi_config import AP_SLOT_OFFSETS, WIFI_CONFIG_SIZE

CLAIM_CODE = b"C" * 40 + b"0123456789abcdefghijklm"  # 63 characters
DEVICE_ID = bytes.fromhex("3a0028000447343232363230")
SECRET_PASSWORD = b"correct horse battery"


def put(image: bytearray, name: str, value: bytes, at: int = 0) -> None:
    offset, size = FIELD_SPANS[name]
    assert at + len(value) <= size, name
    image[offset + at : offset + at + len(value)] = value


def app_dct_image() -> bytearray:
    image = blank_app_dct()
    put(image, "claim_code", CLAIM_CODE)
    put(image, "claimed", b"1")
    put(image, "ssid_prefix", b"\x06Photon")
    put(image, "device_code", b"7KQ2ZD")
    put(image, "product_store", struct.pack("<HH", 1234, 7))
    put(image, "device_id", DEVICE_ID)
    # a fake DER private key header (30 82 02 5f = 611 bytes) and public key (30 81 9f)
    put(image, "device_private_key", b"\x30\x82\x02\x5f" + b"\x02" * 40)
    put(image, "device_public_key", b"\x30\x81\x9f" + b"\x01" * 20)
    put(image, "server_public_key", b"\x30\x82\x01\x22" + b"\x03" * 20)
    put(image, "server_public_key", b"\x01\x0fdevice.spark.io", at=384)
    put(image, "server_public_key", struct.pack(">H", 5683), at=384 + 66)
    put(
        image,
        "ip_config",
        b"\x01\x00\x00\x00" + struct.pack("<5I", 0xC0A80164, 0xFFFFFF00, 0xC0A80101, 0x08080808, 0),
    )
    put(image, "ota_update_flag", b"\xff")
    put(image, "country_code", b"GB0\x00")
    put(image, "dns_resolve", b"\x05setup\x08particle\x02io\x00\x06myhost\x00\x00")
    put(image, "cloud_transport", b"\x00")
    put(image, "device_secret", b"ABCDEFGHJKLMNPQ")
    eap = bytearray(b"\x00" * 4296)
    eap[0] = 25
    eap[1:6] = b"alice"
    eap[65] = 5
    eap[131 : 131 + len(SECRET_PASSWORD)] = SECRET_PASSWORD
    eap[195] = len(SECRET_PASSWORD)
    eap[4292:4294] = struct.pack("<H", 1200)
    put(image, "eap_config", bytes(eap))
    return image


def ap_entry(ssid: bytes, security: int, key: bytes, channel: int = 0) -> bytes:
    entry = bytearray(121)
    entry[0] = len(ssid)
    entry[1 : 1 + len(ssid)] = ssid
    entry[46:50] = struct.pack("<I", security)
    entry[50] = channel
    entry[56] = len(key)
    entry[57 : 57 + len(key)] = key
    return bytes(entry)


def wifi_config_image() -> bytearray:
    image = bytearray(WIFI_CONFIG_SIZE)
    image[0] = 1
    slots = [
        ap_entry(b"HomeNet", 0x00400004, SECRET_PASSWORD, channel=6),
        ap_entry(b"Cafe", 0x00000004, b""),
        b"\x00" * 121,
        ap_entry(b"Office", 0x02400004, b""),
        ap_entry(b"OldWep", 0x00008001, bytes.fromhex("0102030405")),
    ]
    for offset, slot in zip(AP_SLOT_OFFSETS, slots, strict=True):
        image[offset : offset + 121] = slot
    soft = bytearray(112)
    soft[0] = 13
    soft[1:14] = b"Photon-7KQ2ZD"
    soft[40] = 11
    soft[108:112] = struct.pack("<I", 1)
    image[608:720] = soft
    image[832:836] = b"US\x00\x00"
    image[836:842] = bytes.fromhex("6c0b84aabbcc")
    return image
