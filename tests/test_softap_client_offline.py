"""harken's SoftAP client, set-up flow and CLI against an in-process stand-in for the device
(tests/softap_double.py): every command over TCP and HTTP, errors, and the verified join.
The same behaviour against the real firmware is in tests/softap/."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from harken.cli.main import main
from harken.protocol.softap.messages import ScanEntry
from harken.protocol.softap.public_key import decode_public_key
from harken.softap.client import SoftApClient
from harken.softap.errors import (
    NoReply,
    Rejected,
    SoftApTimeout,
    SoftApUnreachable,
    is_unknown_command,
)
from harken.softap.setup_flow import SetupRequest, run_setup
from softap_double import DEVICE_ID, SoftApDouble, closed_port
from softap_vectors import EXAMPLE_CLAIM_CODE, TEST_PUBLIC_KEY_B

NETWORKS = [
    ScanEntry("HomeNet", -48, 0x00400004, 6, 72200),
    ScanEntry("HomeNet", -70, 0x00400004, 11, 72200),
    ScanEntry("CafeFree", -63, 0, 11, 54000),
    ScanEntry("Café ☕", -80, 0x00400006, 1, 72200),
]
PASSWORD = "correct horse"


def wrong_password(stored):
    return None if stored.password == PASSWORD.encode() else "wrong-password"


@pytest.fixture
def double():
    with SoftApDouble(NETWORKS, join_outcome=wrong_password) as device:
        yield device


@pytest.fixture(params=["tcp", "http"])
def client(request, double):
    http = request.param == "http"
    port = double.http_port if http else double.tcp_port
    return SoftApClient("127.0.0.1", port, http=http, timeout=5.0)


def test_queries(client):
    assert client.version() == 2
    info = client.device_info()
    assert (info.device_id, info.claimed) == (DEVICE_ID.lower(), False)
    key = client.public_key()
    assert key.public_numbers() == decode_public_key(TEST_PUBLIC_KEY_B).public_numbers()
    scan = client.scan()
    assert scan == NETWORKS
    assert client.connect_status().state == "idle"


def test_configure_encrypts_the_password(client, double):
    client.configure("HomeNet", security="wpa2_aes", channel=6, password=PASSWORD)
    assert double.stored.password == PASSWORD.encode()
    assert (double.stored.ssid, double.stored.channel) == ("HomeNet", 6)
    assert double.stored.fields["sec"] == 0x00400004
    assert set(double.stored.fields) == {"idx", "ssid", "sec", "ch", "pwd"}


def test_non_ascii_ssids_are_sent_as_utf8(client, double):
    client.configure("Café ☕", security=0x00400006, password=PASSWORD)
    assert double.stored.ssid == "Café ☕"


def test_open_networks_get_no_pwd(client, double):
    client.configure("CafeFree", security="open", channel=11)
    assert "pwd" not in double.stored.fields


def test_claim_code(client, double):
    client.set_claim_code(EXAMPLE_CLAIM_CODE)
    assert double.stored.claim_code == EXAMPLE_CLAIM_CODE


def test_rejections_carry_the_code_and_meaning(client):
    with pytest.raises(Rejected) as raised:
        client.configure("Nowhere", security="wpa2_aes", password=PASSWORD)
    assert raised.value.code == -2 and "scan" in raised.value.meaning
    with pytest.raises(Rejected) as raised:
        client.configure("HomeNet", security="wpa2_aes", password="short")
    assert raised.value.code == -4
    assert "short" not in str(raised.value)


def test_an_unknown_command_is_no_reply(client):
    with pytest.raises(NoReply):
        client.command("provision-keys")


def test_a_rejected_body_is_no_reply(client):
    with pytest.raises(NoReply, match="rejected the request body"):
        client.command("set", body=b'{"k":"cc","v":"x","extra":1}')


def test_refused_connections():
    client = SoftApClient("127.0.0.1", closed_port(), timeout=1.0)
    with pytest.raises(SoftApUnreachable, match="listening mode") as raised:
        client.version()
    assert raised.value.refused


def test_a_silent_device_times_out():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        client = SoftApClient("127.0.0.1", server.getsockname()[1], timeout=0.3)
        with pytest.raises(SoftApTimeout):
            client.version()
    finally:
        for conn, _ in accepted:
            conn.close()
        server.close()


@pytest.mark.parametrize(
    "ssid", ['Home"Net', "Back\\slash", "new\nline"], ids=["quote", "backslash", "newline"]
)
def test_unsendable_ssids_are_refused_before_sending(client, double, ssid):
    with pytest.raises(ValueError, match="cannot receive"):
        client.configure(ssid, security="open")
    assert "configure-ap" not in double.stored.commands


def test_quotes_in_passwords_survive_encryption(client, double):
    client.configure("HomeNet", security="wpa2_aes", password='pa"ss\\word')
    assert double.stored.password == b'pa"ss\\word'


def test_enterprise_fields(client, double):
    double.networks = [*NETWORKS, ScanEntry("Corp", -50, 0x02400004, 36, 72200)]
    client.configure(
        "Corp",
        security="wpa2_enterprise_aes",
        channel=36,
        password=PASSWORD,
        eap_type="peap",
        inner_identity="alice",
        outer_identity="anonymous",
        ca_pem="-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n",
    )
    fields = double.stored.fields
    assert (fields["eap"], fields["ii"], fields["oi"]) == (25, "alice", "anonymous")
    assert fields["ca"].endswith("-----END CERTIFICATE-----\r\n")
    client.configure(
        "Corp",
        security="wpa2_enterprise_aes",
        client_cert_pem="-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----",
        private_key_pem="-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----",
    )
    fields = double.stored.fields
    assert fields["eap"] == 13 and len(fields["ek"]) == 256 and len(fields["key"]) % 32 == 0
    with pytest.raises(ValueError, match="PEAP needs"):
        client.configure("Corp", security="wpa2_enterprise", eap_type="peap")


# --- the set-up flow -----------------------------------------------------------------------------


def test_setup_joins(client, double):
    progress: list[str] = []
    outcome = run_setup(
        client,
        SetupRequest("HomeNet", password=PASSWORD, claim_code=EXAMPLE_CLAIM_CODE),
        progress.append,
    )
    assert outcome.verified and outcome.joined and outcome.ok
    assert (outcome.security, outcome.channel) == (0x00400004, 6)  # strongest entry
    assert outcome.message == "the device joined 'HomeNet'"
    assert double.stored.claim_code == EXAMPLE_CLAIM_CODE
    assert double.stored.commands[:6] == [
        "device-id",
        "public-key",
        "set",
        "scan-ap",
        "configure-ap",
        "connect-status",
    ]
    assert "connect-ap" in double.stored.commands
    assert not any(PASSWORD in line for line in progress)


def test_setup_reports_a_wrong_password(client, double):
    outcome = run_setup(client, SetupRequest("HomeNet", password="wrong-pass"))
    assert outcome.verified and outcome.joined is False and not outcome.ok
    assert outcome.message == "wrong password for 'HomeNet'"


def test_setup_asks_for_the_password_only_when_needed(client, double):
    asked = []

    def ask():
        asked.append(1)
        return PASSWORD

    run_setup(client, SetupRequest("CafeFree", password=ask))
    assert not asked
    run_setup(client, SetupRequest("HomeNet", password=ask))
    assert asked == [1]


def test_setup_without_connect_status_cannot_verify(double):
    double.with_status = False
    for http, port in ((False, double.tcp_port), (True, double.http_port)):
        client = SoftApClient("127.0.0.1", port, http=http, timeout=5.0)
        outcome = run_setup(client, SetupRequest("HomeNet", password=PASSWORD))
        assert not outcome.verified and outcome.joined is None and outcome.ok
        assert "cannot report" in outcome.message


def test_setup_gives_up_after_the_join_timeout(client, double):
    double.join_seconds = 60.0
    outcome = run_setup(client, SetupRequest("HomeNet", password=PASSWORD, join_timeout=0.5))
    assert outcome.joined is False and outcome.reason == "no-outcome"
    assert outcome.message.startswith("timed out joining 'HomeNet'")


def test_setup_needs_the_security_of_an_unseen_network(client):
    with pytest.raises(Exception, match="not in the device's scan"):
        run_setup(client, SetupRequest("Hidden", password=PASSWORD))


# --- CLI -----------------------------------------------------------------------------------------


def cli(double, *args, http=False):
    port = double.http_port if http else double.tcp_port
    base = ["--host", "127.0.0.1", "--port", str(port), "--timeout", "5"]
    return main(["softap", args[0], *base, *(["--http"] if http else []), *args[1:]])


@pytest.mark.parametrize("http", [False, True], ids=["tcp", "http"])
def test_cli_info_and_scan(double, capsys, http):
    assert cli(double, "info", "--json", http=http) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["device_id"] == DEVICE_ID.lower() and info["public_key_bits"] == 1024
    assert cli(double, "scan", "--json", http=http) == 0
    networks = json.loads(capsys.readouterr().out)["networks"]
    assert networks[0] == {
        "ssid": "HomeNet",
        "rssi": -48,
        "security": 0x00400004,
        "security_name": "wpa2_aes",
        "channel": 6,
        "mdr": 72200,
    }
    assert cli(double, "scan", http=http) == 0
    assert "Café ☕" in capsys.readouterr().out


def test_cli_setup_success_reads_the_password_from_stdin(double, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli(double, "setup", "--ssid", "HomeNet", "--password", "-", "--json") == 0
    captured = capsys.readouterr()
    outcome = json.loads(captured.out)
    assert outcome["joined"] is True and outcome["security_name"] == "wpa2_aes"
    assert "device-id" in captured.err and "connect-ap" in captured.err
    assert PASSWORD not in captured.out + captured.err


def test_cli_setup_failure_exits_non_zero(double, capsys):
    code = cli(double, "setup", "--ssid", "HomeNet", "--password", "not-the-one")
    captured = capsys.readouterr()
    assert code == 1
    assert "harken: error: wrong password for 'HomeNet'" in captured.err
    assert "not-the-one" not in captured.out + captured.err


def test_cli_setup_unverifiable_exits_zero(double, capsys):
    double.with_status = False
    assert cli(double, "setup", "--ssid", "CafeFree") == 0
    assert "cannot report whether it joined" in capsys.readouterr().out


def test_cli_configure_unknown_network_needs_security(double, capsys):
    assert cli(double, "configure", "--ssid", "Hidden", "--password", PASSWORD) == 1
    assert "--security" in capsys.readouterr().err
    assert (
        cli(double, "configure", "--ssid", "CafeFree", "--security", "open", "--channel", "3") == 0
    )
    assert double.stored.channel == 3


def test_cli_claim_connect_status(double, capsys):
    assert cli(double, "claim", EXAMPLE_CLAIM_CODE) == 0
    assert double.stored.claim_code == EXAMPLE_CLAIM_CODE
    assert cli(double, "status") == 0
    assert "No join attempt" in capsys.readouterr().out
    assert cli(double, "connect", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"connect_sent": True}
    double.with_status = False
    assert cli(double, "status") == 1
    assert "does not report its join status" in capsys.readouterr().err


def test_cli_refused_connection_is_a_clear_error(capsys):
    assert main(["softap", "info", "--host", "127.0.0.1", "--port", str(closed_port())]) == 1
    assert "refused the connection" in capsys.readouterr().err


# --- a harken device's answers to what Device OS ignores ------------------------------------------


@pytest.mark.parametrize("http", [False, True], ids=["tcp", "http"])
def test_harken_error_replies(http):
    with SoftApDouble(NETWORKS, with_status=False, harken_errors=True) as device:
        port = device.http_port if http else device.tcp_port
        client = SoftApClient("127.0.0.1", port, http=http, timeout=5.0)
        with pytest.raises(Rejected) as raised:
            client.command("provision-keys")
        assert is_unknown_command(raised.value)
        assert str(raised.value) == (
            "provision-keys: the device does not know this command: unknown command (result -404)"
        )
        with pytest.raises(Rejected) as raised:
            client.command("set", body=b'{"k":"cc","v":"x","extra":1}')
        assert raised.value.code == -400 and raised.value.detail == "bad json"
        assert not is_unknown_command(raised.value)
        outcome = run_setup(client, SetupRequest("CafeFree"))
        assert not outcome.verified and outcome.ok
