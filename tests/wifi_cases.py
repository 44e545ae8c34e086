"""What the Wi-Fi dialogue tests feed the device: the simulated neighbourhood, the
credentials and PEM material, and the table of every security path with what must be stored."""

from __future__ import annotations

import base64
import textwrap

from stored_config import SECURITY_SECTION, app_span

ENVIRONMENT = [
    {"ssid": "OpenCafe", "security": "0x00000000", "channel": 11, "rssi": -60},
    {"ssid": "OldWep", "security": "0x00000001", "channel": 3, "rssi": -70},
    {"ssid": "WpaTkip", "security": "0x00200002", "channel": 1, "rssi": -66},
    {"ssid": "HomeWpa2", "security": "0x00400004", "channel": 6, "rssi": -45},
    {"ssid": "MixedWpa2", "security": "0x00400006", "channel": 9, "rssi": -52},
    {"ssid": "CorpWpaEnt", "security": "0x02200002", "channel": 40, "rssi": -58},
    {"ssid": "CorpWpa2Ent", "security": "0x02400004", "channel": 36, "rssi": -55},
    {"ssid": "Password: SSID:", "security": "0x00400004", "channel": 2, "rssi": -80},
]
PASSWORD = "correct horse battery"
WEP_KEY = "0123456789abcdef0123456789"
PEAP_PASSWORD = "peap-secret-42"


def der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    width = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | width]) + length.to_bytes(width, "big") + content


def pem(label: str, body: bytes) -> str:
    lines = textwrap.wrap(base64.b64encode(body).decode(), 64)
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


# Small but multi-line DER blocks (SEQUENCE { OCTET STRING }) so line joining is exercised.
CERT_DER = der(0x30, der(0x04, bytes(range(1, 121))))
KEY_DER = der(0x30, der(0x02, b"\x01") + der(0x04, bytes(range(200, 255))))
CA_DER = der(0x30, der(0x04, b"root-ca" * 20))
CERT_PEM = pem("CERTIFICATE", CERT_DER)
KEY_PEM = pem("PRIVATE KEY", KEY_DER)
CA_PEM = pem("CERTIFICATE", CA_DER)

PEAP = {
    "username": "alice@corp.example",
    "password": PEAP_PASSWORD,
    "outer_identity": "anonymous@corp.example",
    "root_ca_pem": CA_PEM,
}
TLS = {"client_cert_pem": CERT_PEM, "private_key_pem": KEY_PEM}
ENTERPRISE_WRITES = [SECURITY_SECTION, app_span("eap_config")]

# (id, ssid, configure_wifi arguments, expected prompts, stored security, stored key)
CASES = [
    ("open-typed", "Attic", {"security": "open"}, ("ssid", "security", "cipher"), 0x00000004, b""),
    ("open-scanned", "OpenCafe", {}, ("ssid", "cipher"), 0x00000004, b""),
    (
        "wep-typed",
        "Shed",
        {"security": "wep", "password": WEP_KEY},
        ("ssid", "security", "cipher", "password"),
        0x00000005,
        WEP_KEY.encode(),
    ),
    (
        "wep-scanned",
        "OldWep",
        {"password": WEP_KEY},
        ("ssid", "cipher", "password"),
        0x00000005,
        WEP_KEY.encode(),
    ),
    (
        "wpa-typed",
        "Barn",
        {"security": "wpa", "cipher": "tkip", "password": PASSWORD},
        ("ssid", "security", "cipher", "password"),
        0x00200002,
        PASSWORD.encode(),
    ),
    (
        "wpa-scanned",
        "WpaTkip",
        {"password": PASSWORD},
        ("ssid", "password"),
        0x00200002,
        PASSWORD.encode(),
    ),
    (
        "wpa2-typed",
        "Loft",
        {"security": "wpa2", "cipher": "aes+tkip", "password": PASSWORD},
        ("ssid", "security", "cipher", "password"),
        0x00400006,
        PASSWORD.encode(),
    ),
    (
        "wpa2-scanned",
        "HomeWpa2",
        {"password": PASSWORD},
        ("ssid", "password"),
        0x00400004,
        PASSWORD.encode(),
    ),
    # a mixed AES+TKIP access point maps to AES (spec §5.3)
    (
        "wpa2-scanned-mixed",
        "MixedWpa2",
        {"password": PASSWORD},
        ("ssid", "password"),
        0x00400004,
        PASSWORD.encode(),
    ),
    (
        "wpa-enterprise-peap-typed",
        "Lab",
        {"security": "wpa-enterprise", **PEAP},
        (
            "ssid",
            "security",
            "cipher",
            "eap-type",
            "username",
            "password",
            "outer-identity",
            "root-ca",
        ),
        0x02200004,
        PEAP_PASSWORD.encode(),  # Device OS keeps the password in the profile as well
    ),
    (
        "wpa-enterprise-peap-scanned",
        "CorpWpaEnt",
        PEAP,
        ("ssid", "eap-type", "username", "password", "outer-identity", "root-ca"),
        0x02200002,
        PEAP_PASSWORD.encode(),
    ),
    (
        "wpa2-enterprise-tls-typed",
        "Annex",
        {"security": "wpa2-enterprise", **TLS},
        (
            "ssid",
            "security",
            "cipher",
            "eap-type",
            "client-cert",
            "private-key",
            "outer-identity",
            "root-ca",
        ),
        0x02400004,
        b"1",  # EAP-TLS never replaces the dry run's stand-in password
    ),
    (
        "wpa2-enterprise-tls-scanned",
        "CorpWpa2Ent",
        TLS,
        ("ssid", "eap-type", "client-cert", "private-key", "outer-identity", "root-ca"),
        0x02400004,
        b"1",
    ),
]
