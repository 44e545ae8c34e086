"""WICED ``platform_dct_wifi_config_t`` (844 bytes): stored APs, SoftAP settings, MAC.

The decoded view never exposes Wi-Fi passwords, only whether one is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from construct import Array, Bytes, Int8ul, Int16sl, Int32ul, Padding, Struct

from harken.protocol.wifi_security import WifiSecurity, describe_security

WIFI_CONFIG_SIZE = 844
AP_ENTRY_SIZE = 121
AP_SLOTS = 5
AP_SLOT_OFFSETS = tuple(1 + i * AP_ENTRY_SIZE for i in range(AP_SLOTS))  # 1, 122, 243, 364, 485

AP_ENTRY = Struct(
    "ssid_len" / Int8ul,
    "ssid" / Bytes(32),
    "bssid" / Bytes(6),
    "rssi" / Int16sl,
    "max_data_rate" / Int32ul,
    "bss_type" / Int8ul,
    "security" / Int32ul,
    "channel" / Int8ul,
    "band" / Int8ul,
    "next" / Int32ul,
    "key_len" / Int8ul,
    "key" / Bytes(64),
)

SOFT_AP_SETTINGS = Struct(
    "ssid_len" / Int8ul,
    "ssid" / Bytes(32),
    Padding(3),
    "security" / Int32ul,
    "channel" / Int8ul,
    "key_len" / Int8ul,
    "key" / Bytes(64),
    Padding(2),
    "details_valid" / Int32ul,
)

WIFI_CONFIG = Struct(
    "device_configured" / Int8ul,
    "stored_ap_list" / Array(AP_SLOTS, AP_ENTRY),
    Padding(2),
    "soft_ap_settings" / SOFT_AP_SETTINGS,
    "config_ap_settings" / Bytes(112),
    "country_code" / Bytes(4),
    "mac_address" / Bytes(6),
    Padding(2),
)

assert AP_ENTRY.sizeof() == AP_ENTRY_SIZE
assert SOFT_AP_SETTINGS.sizeof() == 112
assert WIFI_CONFIG.sizeof() == WIFI_CONFIG_SIZE


@dataclass(frozen=True)
class StoredNetwork:
    """One valid AP slot."""

    slot: int
    ssid: str
    security: WifiSecurity
    channel: int
    has_key: bool


@dataclass(frozen=True)
class SoftApSettings:
    """The SoftAP settings the device last wrote."""

    ssid: str | None
    security: WifiSecurity
    channel: int
    has_key: bool
    details_valid: bool


@dataclass(frozen=True)
class WifiConfig:
    """Friendly view of the WICED Wi-Fi section."""

    device_configured: bool
    networks: tuple[StoredNetwork, ...]
    soft_ap: SoftApSettings
    country_code: str | None
    mac: str | None

    @property
    def has_credentials(self) -> bool:
        """What the device's credential check says: configured and slot 0 holds an SSID."""
        return self.device_configured and any(n.slot == 0 for n in self.networks)


def _ssid(raw: bytes, length: int) -> str | None:
    if not 1 <= length <= 32:
        return None
    return raw[:length].decode("utf-8", errors="replace")


def decode_ap_entry(slot: int, entry: Any) -> StoredNetwork | None:
    """A stored AP, or None when the slot is empty/invalid (SSID length not 1..32)."""
    ssid = _ssid(bytes(entry.ssid), entry.ssid_len)
    if ssid is None:
        return None
    return StoredNetwork(
        slot=slot,
        ssid=ssid,
        security=describe_security(entry.security),
        channel=entry.channel,
        has_key=1 <= entry.key_len <= 64,
    )


def decode_mac(raw: bytes) -> str | None:
    """``aa:bb:cc:dd:ee:ff``, or None when blank."""
    if raw.count(0xFF) == len(raw) or raw.count(0) == len(raw):
        return None
    return ":".join(f"{b:02x}" for b in raw)


def decode_wiced_country(raw: bytes) -> str | None:
    """``MK_CNTRY`` word: two letters plus the revision number (e.g. ``US/0``)."""
    if not raw or not (0x41 <= raw[0] <= 0x5A and 0x41 <= raw[1] <= 0x5A):
        return None
    revision = int.from_bytes(raw[2:4], "little")
    return f"{raw[:2].decode('ascii')}/{revision}"


def decode_wifi_config(data: bytes) -> WifiConfig:
    """Decode the 844-byte WICED Wi-Fi section."""
    parsed = WIFI_CONFIG.parse(bytes(data[:WIFI_CONFIG_SIZE]))
    networks = tuple(
        network
        for slot, entry in enumerate(parsed.stored_ap_list)
        if (network := decode_ap_entry(slot, entry)) is not None
    )
    soft = parsed.soft_ap_settings
    soft_ap = SoftApSettings(
        ssid=_ssid(bytes(soft.ssid), soft.ssid_len),
        security=describe_security(soft.security),
        channel=soft.channel,
        has_key=1 <= soft.key_len <= 64,
        details_valid=soft.details_valid == 1,
    )
    return WifiConfig(
        device_configured=parsed.device_configured == 1,
        networks=networks,
        soft_ap=soft_ap,
        country_code=decode_wiced_country(bytes(parsed.country_code)),
        mac=decode_mac(bytes(parsed.mac_address)),
    )
