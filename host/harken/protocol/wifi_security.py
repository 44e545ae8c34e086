"""WICED Wi-Fi security values (the 32-bit word stored per AP) and their names."""

from __future__ import annotations

from dataclasses import dataclass

WEP_ENABLED = 0x00000001
TKIP_ENABLED = 0x00000002
AES_ENABLED = 0x00000004
SHARED_ENABLED = 0x00008000
WPA_SECURITY = 0x00200000
WPA2_SECURITY = 0x00400000
ENTERPRISE_ENABLED = 0x02000000
WPS_ENABLED = 0x10000000
IBSS_ENABLED = 0x20000000
UNKNOWN = 0xFFFFFFFF

_KNOWN_BITS = (
    WEP_ENABLED
    | TKIP_ENABLED
    | AES_ENABLED
    | SHARED_ENABLED
    | WPA_SECURITY
    | WPA2_SECURITY
    | ENTERPRISE_ENABLED
    | WPS_ENABLED
    | IBSS_ENABLED
)

# The values WICED names itself (wiced_security_t).
NAMED_VALUES: dict[int, str] = {
    0x00000000: "open",
    0x00000001: "wep-psk",
    0x00008001: "wep-shared",
    0x00200002: "wpa-tkip",
    0x00200004: "wpa-aes",
    0x00200006: "wpa-mixed",
    0x00400002: "wpa2-tkip",
    0x00400004: "wpa2-aes",
    0x00400006: "wpa2-mixed",
    0x02200002: "wpa-enterprise-tkip",
    0x02200004: "wpa-enterprise-aes",
    0x02200006: "wpa-enterprise-mixed",
    0x02400002: "wpa2-enterprise-tkip",
    0x02400004: "wpa2-enterprise-aes",
    0x02400006: "wpa2-enterprise-mixed",
    0x10000000: "wps-open",
    0x10000004: "wps-secure",
    0x20000000: "ibss-open",
    UNKNOWN: "unknown",
}


@dataclass(frozen=True)
class WifiSecurity:
    """A decoded security word.

    ``kind`` is one of ``open``, ``wep``, ``wpa``, ``wpa2``, ``wpa-enterprise``,
    ``wpa2-enterprise``, ``unknown``; ``cipher`` is ``aes``, ``tkip``, ``aes+tkip`` or None.
    """

    value: int
    name: str
    kind: str
    cipher: str | None


def security_kind(value: int) -> str:
    """The security family encoded in ``value``, read from its bits."""
    value &= 0xFFFFFFFF
    if value == UNKNOWN:
        return "unknown"
    if value & WEP_ENABLED:
        return "wep"
    if value & ENTERPRISE_ENABLED:
        return "wpa2-enterprise" if value & WPA2_SECURITY else "wpa-enterprise"
    if value & WPA2_SECURITY:
        return "wpa2"
    if value & WPA_SECURITY:
        return "wpa"
    return "open"


def security_cipher(value: int) -> str | None:
    """``aes``, ``tkip``, ``aes+tkip`` from the cipher bits of ``value``, or None."""
    value &= 0xFFFFFFFF
    if value == UNKNOWN:
        return None
    aes, tkip = bool(value & AES_ENABLED), bool(value & TKIP_ENABLED)
    if aes and tkip:
        return "aes+tkip"
    if aes:
        return "aes"
    if tkip:
        return "tkip"
    return None


def security_name(value: int) -> str:
    """A readable name: WICED's own for the values it names, else one built from the bits.

    Built names look like ``open-aes`` (the serial-console quirk value 0x4) or
    ``wpa2-aes+ibss``; bits harken does not know make the name ``0x…``.
    """
    value &= 0xFFFFFFFF
    if value in NAMED_VALUES:
        return NAMED_VALUES[value]
    if value & ~_KNOWN_BITS:
        return f"0x{value:08x}"
    kind = security_kind(value)
    if kind == "wep" and value & SHARED_ENABLED:
        kind = "wep-shared"
    cipher = security_cipher(value)
    name = kind if cipher is None else f"{kind}-{'mixed' if cipher == 'aes+tkip' else cipher}"
    if value & WPS_ENABLED:
        name += "+wps"
    if value & IBSS_ENABLED:
        name += "+ibss"
    return name


def describe_security(value: int) -> WifiSecurity:
    """Decode a stored or scanned WICED security word."""
    value &= 0xFFFFFFFF
    return WifiSecurity(
        value=value,
        name=security_name(value),
        kind=security_kind(value),
        cipher=security_cipher(value),
    )
