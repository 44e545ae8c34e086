"""SoftAP security names ↔ WICED security values, and EAP types (softap spec §6).

The names are the ones Particle's SoftAP library accepts (``wpa2_aes``, ``wpa2``, ``open`` …)
plus the WICED values it has no name for (``wpa_mixed``, ``wpa_enterprise_mixed``). Hyphens
and underscores are interchangeable and case does not matter, so ``WPA2-AES`` works too.
"""

from __future__ import annotations

from harken.protocol.wifi_security import ENTERPRISE_ENABLED, UNKNOWN, security_name

SECURITY_VALUES: dict[str, int] = {
    "open": 0x00000000,
    "none": 0x00000000,
    "wep_psk": 0x00000001,
    "wep_shared": 0x00008001,
    "wpa_tkip": 0x00200002,
    "wpa_aes": 0x00200004,
    "wpa_mixed": 0x00200006,
    "wpa2_aes": 0x00400004,
    "wpa2_tkip": 0x00400002,
    "wpa2_mixed": 0x00400006,
    "wpa2": 0x00400006,
    "wpa_enterprise_tkip": 0x02200002,
    "wpa_enterprise_aes": 0x02200004,
    "wpa_enterprise_mixed": 0x02200006,
    "wpa2_enterprise_tkip": 0x02400002,
    "wpa2_enterprise_aes": 0x02400004,
    "wpa2_enterprise_mixed": 0x02400006,
    "wpa2_enterprise": 0x02400006,
}
"""Every accepted name; several names may share a value (``wpa2`` = ``wpa2_mixed``)."""

SECURITY_NAMES: dict[int, str] = {}
"""The canonical (first listed) name of each value."""
for _name, _value in SECURITY_VALUES.items():
    SECURITY_NAMES.setdefault(_value, _name)

EAP_TYPES: dict[str, int] = {"peap": 25, "peap/mschapv2": 25, "eap-tls": 13, "tls": 13}
EAP_PEAP = 25
EAP_TLS = 13


def _normalise(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def security_value(name: str) -> int:
    """The WICED value for a security name, or for a number (``4194308``, ``0x00400004``).

    Raises ValueError naming the accepted names.
    """
    key = _normalise(name)
    if key in SECURITY_VALUES:
        return SECURITY_VALUES[key]
    try:
        value = int(name.strip(), 0)
    except ValueError:
        raise ValueError(
            f"unknown security {name!r}; use one of {', '.join(SECURITY_VALUES)} "
            "or a WICED value such as 0x00400004"
        ) from None
    if not -1 <= value <= 0xFFFFFFFF:
        raise ValueError(f"security value {name!r} is not a 32-bit WICED value")
    return value & 0xFFFFFFFF


def security_label(value: int) -> str:
    """The canonical name of a WICED value (``wpa2_aes``), else a name built from its bits."""
    value &= 0xFFFFFFFF
    if value in SECURITY_NAMES:
        return SECURITY_NAMES[value]
    return security_name(value).replace("-", "_")


def wire_security(value: int) -> int:
    """The value as the device's ``sec`` field carries it: a signed 32-bit number."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def is_enterprise(value: int) -> bool:
    """Whether ``value`` is a WPA/WPA2 Enterprise security."""
    value &= 0xFFFFFFFF
    return value != UNKNOWN and bool(value & ENTERPRISE_ENABLED)


def takes_password(value: int) -> bool:
    """Whether a network of this security is joined with a passphrase or WEP key."""
    value &= 0xFFFFFFFF
    return value != 0 and not is_enterprise(value)


def eap_type_value(name: str | int) -> int:
    """25 (PEAP) or 13 (EAP-TLS) for a name (``peap``, ``tls``, ``eap-tls`` …) or number."""
    if isinstance(name, int):
        value = name
    else:
        key = name.strip().lower()
        if key in EAP_TYPES:
            return EAP_TYPES[key]
        try:
            value = int(key)
        except ValueError:
            value = -1
    if value not in (EAP_PEAP, EAP_TLS):
        raise ValueError(f"unknown EAP type {name!r}; use peap or tls")
    return value
