"""Every Wi-Fi security type through SoftAP, on both transports: what configure-ap stores
(the AP's security from the device's scan, WEP keys decoded, PEAP identities and password,
EAP-TLS certificate and key as DER, the root CA) and that connect-ap then joins it."""

from __future__ import annotations

import time

import pytest

from harken.emulate.wifi_env import WifiNetwork
from harken.softap.client import SoftApClient
from stored_config import read_store
from wifi_cases import (
    CA_DER,
    CA_PEM,
    CERT_DER,
    CERT_PEM,
    KEY_DER,
    KEY_PEM,
    PASSWORD,
    PEAP_PASSWORD,
    WEP_KEY,
)

IDENTITY = "alice@corp.example"
OUTER = "anonymous@corp.example"
ENVIRONMENT = [
    WifiNetwork("OpenCafe", 0x00000000, channel=11, rssi=-60),
    WifiNetwork("OldWep", 0x00000001, channel=3, rssi=-70, password=WEP_KEY),
    WifiNetwork("WpaTkip", 0x00200002, channel=1, rssi=-66, password=PASSWORD),
    WifiNetwork("HomeWpa2", 0x00400004, channel=6, rssi=-45, password=PASSWORD),
    WifiNetwork("CorpPeap", 0x02400004, channel=36, rssi=-55, password=PEAP_PASSWORD),
    WifiNetwork("CorpTls", 0x02200002, channel=40, rssi=-58),
]
# (id, ssid, security name sent, configure arguments, stored WICED value, stored key)
CASES = [
    ("open", "OpenCafe", "open", {}, 0x00000000, b""),
    ("wep", "OldWep", "wep_psk", {"password": WEP_KEY}, 0x00000001, bytes.fromhex(WEP_KEY)),
    ("wpa-tkip", "WpaTkip", "wpa_tkip", {"password": PASSWORD}, 0x00200002, PASSWORD.encode()),
    ("wpa2", "HomeWpa2", "wpa2_mixed", {"password": PASSWORD}, 0x00400004, PASSWORD.encode()),
    (
        "peap",
        "CorpPeap",
        "wpa2_enterprise",
        {"eap_type": "peap", "inner_identity": IDENTITY, "password": PEAP_PASSWORD,
         "outer_identity": OUTER, "ca_pem": CA_PEM},
        0x02400004,
        PEAP_PASSWORD.encode(),
    ),
    (
        "eap-tls",
        "CorpTls",
        "wpa_enterprise_tkip",
        {"eap_type": "tls", "client_cert_pem": CERT_PEM, "private_key_pem": KEY_PEM,
         "outer_identity": OUTER},
        0x02200002,
        b"1",  # Device OS's stand-in password for EAP-TLS
    ),
]  # fmt: skip


def wait_for_outcome(client: SoftApClient, attempt: int, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.connect_status()
        if status.attempt > attempt and status.state in ("connected", "failed"):
            return status.state
        time.sleep(0.05)
    raise AssertionError("no join outcome")


@pytest.mark.parametrize("transport", ["tcp", "http"])
@pytest.mark.parametrize(
    ("ssid", "security", "arguments", "stored_security", "stored_key"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_security_type_is_stored_and_joined(
    native_device, transport, ssid, security, arguments, stored_security, stored_key
):
    device = native_device("photon", identity="photon-plain", wifi_env=ENVIRONMENT)
    http = transport == "http"
    port = device.softap_http_port if http else device.softap_tcp_port
    client = SoftApClient("127.0.0.1", port, http=http)
    client.configure(ssid, security=security, channel=0, **arguments)

    stored = read_store(device.state_dir)
    network = stored.wifi[0]
    assert (network.ssid, network.security, network.key) == (
        ssid.encode(),
        stored_security,
        stored_key,
    )
    if arguments.get("eap_type") == "peap":
        assert (stored.eap.type, stored.eap.inner_identity, stored.eap.outer_identity) == (
            25,
            IDENTITY.encode(),
            OUTER.encode(),
        )
        assert stored.eap.password == PEAP_PASSWORD.encode()
        assert stored.eap.ca_der == CA_DER
    if arguments.get("eap_type") == "tls":
        assert (stored.eap.type, stored.eap.outer_identity) == (13, OUTER.encode())
        assert stored.client_certificate == CERT_DER
        assert stored.client_key == KEY_DER

    before = client.connect_status().attempt
    client.connect()
    assert wait_for_outcome(client, before) == "connected"
