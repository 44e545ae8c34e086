import time

import pytest

from harken.console.client import ConsoleClient
from harken.console.errors import (
    ClaimCodeRejected,
    ConsoleTimeout,
    UnsupportedCommand,
    WifiDialogError,
    WifiSaveFailed,
)
from scripted_console import AES, ELECTRON_DESCRIBE, ENT, WPA2

CODE = "k" * 30 + "Q" * 33
PASSWORD = "P@ssw0rd! secret"
CERT = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGVGb3JUZXN0czAKBggqhkjOPQQDAjAS\n"
    "\n"
    "MRAwDgYDVQQDDAdleGFtcGxlMB4XDTI0MDEwMTAwMDAwMFoXDTM0MDEwMTAwMDAw\n"
    "-----END CERTIFICATE-----\n"
)
KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
    "-----END PRIVATE KEY-----\n"
)


@pytest.fixture
def connect(scripted_console):
    clients = []

    def make(**script):
        peer = scripted_console(**script)
        client = ConsoleClient.open(peer.path)
        clients.append(client)
        return peer, client

    yield make
    for client in clients:
        client.close()


def test_queries(connect):
    peer, client = connect()
    assert client.identify(timeout=2).device_id == "3a0028000447343232363230"
    assert client.mac() == "6c:0b:84:aa:bb:cc"
    assert client.version().version == "2.3.1"
    describe = client.inspect()
    assert describe.platform_name == "photon" and len(describe.modules) == 4
    assert client.diagnostics()["sys:uptime"] == 42
    assert client.claimed() is False
    assert peer.commands == [b"i", b"m", b"v", b"s", b"d", b"c"]


def test_identify_long_form(connect):
    reply = (
        b"Device ID: 3e002a000b51353432383931\r\nIMEI: 352753090034567\r\n"
        b"ICCID: 89340765000025876571\r\nCell Radio Version: 23.60\r\n"
    )
    _, client = connect(identify=reply)
    identity = client.identify(timeout=2)
    assert identity.imei == "352753090034567" and identity.cell_radio_version == "23.60"


def test_set_claim_code(connect):
    peer, client = connect()
    client.set_claim_code(CODE)
    assert peer.claim_code == CODE.encode()


def test_short_claim_code_is_rejected_without_echo(connect):
    peer, client = connect()
    with pytest.raises(ClaimCodeRejected) as info:
        client.set_claim_code("tooShortSecretCode")
    assert "tooShortSecretCode" not in str(info.value)
    assert peer.claim_code is None


def test_long_claim_code_truncated_by_device_is_reported(connect):
    peer, client = connect()
    with pytest.raises(ClaimCodeRejected) as info:
        client.set_claim_code(CODE + "EXTRA")
    assert CODE not in str(info.value)
    assert "63 of 68" in str(info.value)


def test_claim_code_with_newline_is_refused_locally(connect):
    peer, client = connect()
    with pytest.raises(ValueError):
        client.set_claim_code("abc\ndef")
    assert peer.commands == []


def test_wifi_visible_wpa2_network(connect):
    peer, client = connect(scan={b"HomeNet": WPA2 | AES})
    result = client.configure_wifi("HomeNet", password=PASSWORD)
    assert result.prompts == ("ssid", "password")
    saved = peer.saved[-1]
    assert (saved.ssid, saved.security, saved.cipher) == (b"HomeNet", 3, 1)
    assert saved.password == PASSWORD.encode()
    assert peer.commands[:2] == [b"s", b"w"]  # platform check first


def test_wifi_hidden_network_answers_every_prompt(connect):
    peer, client = connect()
    result = client.configure_wifi("Hidden", "wpa", "tkip", PASSWORD, check_platform=False)
    assert result.prompts == ("ssid", "security", "cipher", "password")
    saved = peer.saved[-1]
    assert (saved.security, saved.cipher, saved.password) == (2, 2, PASSWORD.encode())


def test_wifi_defaults_when_the_device_asks(connect):
    peer, client = connect()
    client.configure_wifi("Hidden", password=PASSWORD, check_platform=False)
    assert (peer.saved[-1].security, peer.saved[-1].cipher) == (3, 1)


def test_wifi_open_network_never_asks_for_password(connect):
    peer, client = connect(scan={b"Cafe": 0})
    asked = []

    def password():
        asked.append(True)
        return "unused-password"

    result = client.configure_wifi("Cafe", password=password)
    assert result.prompts == ("ssid", "cipher")
    assert asked == []
    assert (peer.saved[-1].security, peer.saved[-1].password) == (0, None)


def test_wifi_password_callable_is_asked_when_prompted(connect):
    peer, client = connect(scan={b"HomeNet": WPA2 | AES})
    client.configure_wifi("HomeNet", password=lambda: PASSWORD)
    assert peer.saved[-1].password == PASSWORD.encode()


def test_wifi_ssid_that_looks_like_a_prompt(connect):
    peer, client = connect(scan={b"Password: SSID:": WPA2 | AES})
    result = client.configure_wifi("Password: SSID:", password=PASSWORD)
    assert result.prompts == ("ssid", "password")
    assert peer.saved[-1].ssid == b"Password: SSID:"


def test_wifi_peap(connect):
    peer, client = connect()
    result = client.configure_wifi(
        "Corp",
        "wpa2-enterprise",
        "aes",
        PASSWORD,
        username="alice@example.com",
        outer_identity="anon@example.com",
        root_ca_pem=CERT,
        check_platform=False,
    )
    assert result.prompts == (
        "ssid",
        "security",
        "cipher",
        "eap-type",
        "username",
        "password",
        "outer-identity",
        "root-ca",
    )
    saved = peer.saved[-1]
    assert (saved.security, saved.eap_type) == (5, 0)
    assert saved.username == b"alice@example.com" and saved.password == PASSWORD.encode()
    assert saved.outer_identity == b"anon@example.com"
    assert saved.root_ca.startswith(b"-----BEGIN CERTIFICATE-----\r\nMIIB")
    assert saved.root_ca.count(b"\r\n") == 3  # four non-blank lines


def test_wifi_eap_tls_on_a_scanned_network(connect):
    peer, client = connect(scan={b"Corp": WPA2 | ENT | AES})
    result = client.configure_wifi("Corp", client_cert_pem=CERT, private_key_pem=KEY)
    assert result.prompts == (
        "ssid",
        "eap-type",
        "client-cert",
        "private-key",
        "outer-identity",
        "root-ca",
    )
    saved = peer.saved[-1]
    assert saved.eap_type == 1
    assert saved.client_cert.endswith(b"-----END CERTIFICATE-----")
    assert saved.private_key.startswith(b"-----BEGIN PRIVATE KEY-----\r\n")
    assert saved.root_ca == b"" and saved.outer_identity == b""


def test_wifi_save_failure(connect):
    _, client = connect(save_ok=False, scan={b"HomeNet": WPA2 | AES})
    with pytest.raises(WifiSaveFailed) as info:
        client.configure_wifi("HomeNet", password=PASSWORD)
    assert PASSWORD not in str(info.value)


def test_wifi_enterprise_on_a_device_without_it(connect):
    _, client = connect(enterprise=False)
    with pytest.raises(WifiDialogError):
        client.configure_wifi(
            "Corp", "wpa2-enterprise", username="a", password=PASSWORD, check_platform=False
        )


def test_wifi_refused_on_electron(connect):
    peer, client = connect(describe=ELECTRON_DESCRIBE, has_wifi=False)
    with pytest.raises(UnsupportedCommand):
        client.configure_wifi("HomeNet", password=PASSWORD)
    assert b"w" not in peer.commands


def test_wifi_times_out_clearly_without_platform_check(connect):
    _, client = connect(describe=ELECTRON_DESCRIBE, has_wifi=False)
    with pytest.raises(ConsoleTimeout, match="Electron"):
        client.configure_wifi(
            "HomeNet", password=PASSWORD, check_platform=False, prompt_timeout=0.5
        )


def test_wifi_waits_for_the_scan(connect):
    peer, client = connect(scan_delay=0.6, scan={b"HomeNet": WPA2 | AES})
    client.configure_wifi("HomeNet", password=PASSWORD, step_timeout=3)
    assert peer.saved[-1].password == PASSWORD.encode()


def test_wifi_argument_validation(connect):
    _, client = connect()
    with pytest.raises(ValueError):
        client.configure_wifi("x" * 33, password=PASSWORD)
    with pytest.raises(ValueError):
        client.configure_wifi("Net", "wpa2")
    with pytest.raises(ValueError):
        client.configure_wifi("Net", "wpa3", password=PASSWORD)
    with pytest.raises(ValueError) as info:
        client.configure_wifi("Net", "wpa2", password="bad\rpass")
    assert "bad" not in str(info.value)
    with pytest.raises(ValueError):
        client.configure_wifi("Net", "wpa2-enterprise", eap_type="tls", client_cert_pem=CERT)


def test_listen_and_exit(connect):
    peer, client = connect()
    client.exit_listening()
    time.sleep(0.1)
    assert peer.listening is False
    with pytest.raises(ConsoleTimeout):
        client.version(timeout=0.3)
    client.listen(settle=0.2)
    assert peer.listen_requests == 1 and peer.listening
    assert client.version().version == "2.3.1"
