"""harken's SoftAP client, set-up flow and CLI against the native virtual device: every
command over TCP and over HTTP, what the device stores, and verified joins (success, wrong
password, absent network, no answer), then the SoftAP leaving and coming back with
listening mode."""

from __future__ import annotations

import json
import socket

import pytest

from console_io import enter_listening
from harken.cli.main import main
from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import WifiNetwork
from harken.protocol.softap.messages import ScanEntry
from harken.pytest_plugin.softap_wire import wait_until_down, wait_until_up
from harken.softap.client import SoftApClient
from harken.softap.errors import NoReply, Rejected, is_unknown_command
from harken.softap.setup_flow import SetupRequest, run_setup
from stored_config import check_claim_code, read_store

DEVICE_ID = "3a0028000447343232363230"
PASSWORD = "correct horse battery"
CLAIM_CODE = "Q" * 20 + "claim" * 8 + "x" * 3  # 63 characters
ENVIRONMENT = [
    WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63),
    WifiNetwork("Vanishing", 0x00400006, channel=1, rssi=-70, password=PASSWORD, behaviour="gone"),
    WifiNetwork("Silent", 0x00400004, channel=3, rssi=-75, password=PASSWORD, behaviour="timeout"),
    WifiNetwork("Café ☕", 0x00400006, channel=9, rssi=-80, password=PASSWORD),
]
SOFTAP_UP_TIMEOUT = 10.0
JOIN_TIMEOUT = 90.0


def wait_for_softap(client: SoftApClient, timeout: float = SOFTAP_UP_TIMEOUT) -> None:
    wait_until_up(client, timeout)


def wait_for_softap_gone(client: SoftApClient, timeout: float = 20.0) -> None:
    if not wait_until_down(client, timeout):
        pytest.fail(f"the SoftAP was still up {timeout:.0f} s after the join")


@pytest.fixture
def photon(native_device) -> NativeDevice:
    device = native_device("photon", identity="photon-plain", wifi_env=ENVIRONMENT)
    assert device.softap_tcp_port and device.softap_http_port
    return device


@pytest.fixture(params=["tcp", "http"])
def transport(request) -> str:
    return request.param


def client_for(device: NativeDevice, transport: str, timeout: float = 8.0) -> SoftApClient:
    http = transport == "http"
    port = device.softap_http_port if http else device.softap_tcp_port
    assert port is not None
    client = SoftApClient("127.0.0.1", port, http=http, timeout=timeout)
    wait_for_softap(client)
    return client


def test_the_electron_has_no_softap(native_device):
    device = native_device("electron", identity="electron")
    assert device.softap_tcp_port is None and device.softap_http_port is None


def test_queries(photon, transport):
    client = client_for(photon, transport)
    assert client.version() == 2
    info = client.device_info()
    assert (info.device_id, info.claimed) == (DEVICE_ID, False)
    assert client.public_key().key_size == 1024
    scan = client.scan()
    assert [(e.ssid, e.rssi, e.security, e.channel) for e in scan] == [
        (n.ssid, n.rssi, n.security, n.channel) for n in ENVIRONMENT
    ]
    assert all(isinstance(e, ScanEntry) and e.mdr > 0 for e in scan)
    status = client.connect_status()
    assert (status.attempt, status.state, status.ssid, status.reason) == (0, "idle", None, None)


def test_claim_code_and_credentials_are_stored(photon, transport):
    client = client_for(photon, transport)
    client.set_claim_code(CLAIM_CODE)
    check_claim_code(read_store(photon.state_dir).claim_code, CLAIM_CODE)
    client.configure("HomeNet", security="wpa2_aes", channel=6, password=PASSWORD)
    stored = read_store(photon.state_dir).wifi
    assert stored[0].ssid == b"HomeNet" and stored[0].key == PASSWORD.encode()
    assert stored[0].security == 0x00400004 and stored[0].channel == 6
    client.configure("Café ☕", security="wpa2", password=PASSWORD)
    assert read_store(photon.state_dir).wifi[0].ssid == "Café ☕".encode()
    client.configure("CafeFree", security="open", channel=11)
    first = read_store(photon.state_dir).wifi[0]
    assert (first.ssid, first.key) == (b"CafeFree", b"")


def test_the_device_takes_the_security_from_its_scan(photon, transport):
    client = client_for(photon, transport)
    client.configure("Café ☕", security="wpa2_aes", password=PASSWORD)  # AP: wpa2_mixed
    assert read_store(photon.state_dir).wifi[0].security == 0x00400006


def test_rejections(photon, transport):
    client = client_for(photon, transport)
    with pytest.raises(Rejected) as raised:
        client.configure("NotHere", security="wpa2_aes", password=PASSWORD)
    assert raised.value.code == -2
    with pytest.raises(Rejected) as raised:
        client.configure("HomeNet", security="wpa2_aes", password="short")
    assert raised.value.code == -4
    # Device OS answers neither (no bytes; HTTP 404 or an empty 200); harken explains both.
    with pytest.raises((NoReply, Rejected)) as unknown:
        client.command("provision-keys")
    assert is_unknown_command(unknown.value)
    with pytest.raises(Rejected) as malformed:
        client.command("set", body=b'{"k":"cc","v":"x","unknown":1}')
    assert malformed.value.code == -400 and "malformed" in str(malformed.value)
    assert read_store(photon.state_dir).wifi == ()


def test_setup_joins_and_the_softap_goes_away(photon, transport):
    client = client_for(photon, transport)
    outcome = run_setup(
        client,
        SetupRequest(
            "HomeNet", password=PASSWORD, claim_code=CLAIM_CODE, join_timeout=JOIN_TIMEOUT
        ),
    )
    assert outcome.verified and outcome.joined, outcome.message
    assert (outcome.device_id, outcome.security, outcome.channel) == (DEVICE_ID, 0x00400004, 6)
    stored = read_store(photon.state_dir)
    check_claim_code(stored.claim_code, CLAIM_CODE)
    assert stored.wifi[0].ssid == b"HomeNet" and stored.wifi[0].key == PASSWORD.encode()
    wait_for_softap_gone(client)


@pytest.mark.parametrize(
    ("ssid", "password", "security", "reason", "message"),
    [
        ("HomeNet", "not the password", None, "wrong-password", "wrong password for 'HomeNet'"),
        ("Vanishing", PASSWORD, None, "network-not-found", "network 'Vanishing' not found"),
        ("Hidden", None, 0, "network-not-found", "network 'Hidden' not found"),
        ("Silent", PASSWORD, None, "timeout", "timed out joining 'Silent'"),
    ],
    ids=["wrong-password", "gone", "absent-open", "timeout"],
)
def test_failed_joins_are_reported_and_the_softap_stays(
    photon, transport, ssid, password, security, reason, message
):
    client = client_for(photon, transport)
    outcome = run_setup(
        client,
        SetupRequest(ssid, password=password, security=security, join_timeout=JOIN_TIMEOUT),
    )
    assert outcome.verified and outcome.joined is False
    assert (outcome.reason, outcome.message) == (reason, message)
    assert client.connect_status().state == "failed"
    # Still listening: a second set-up with the right credentials works, as attempt 2.
    retry = run_setup(client, SetupRequest("HomeNet", password=PASSWORD))
    assert retry.joined and retry.attempt == outcome.attempt + 1


def test_the_softap_comes_back_with_listening_mode(photon):
    tcp = client_for(photon, "tcp")
    ports = (photon.softap_tcp_port, photon.softap_http_port)
    assert run_setup(tcp, SetupRequest("HomeNet", password=PASSWORD)).joined
    wait_for_softap_gone(tcp)
    for port in ports:  # refused, yet held: nothing else can take the port meanwhile
        with socket.socket() as stranger, pytest.raises(OSError):
            stranger.bind(("127.0.0.1", port))
    enter_listening(photon)
    wait_for_softap(tcp)
    http = client_for(photon, "http")
    assert (photon.softap_tcp_port, photon.softap_http_port) == ports
    status = http.connect_status()
    assert (status.attempt, status.state, status.ssid) == (1, "connected", "HomeNet")
    assert http.device_info().device_id == DEVICE_ID


def test_cli_setup(photon, transport, capsys, monkeypatch):
    import io

    port = photon.softap_http_port if transport == "http" else photon.softap_tcp_port
    wait_for_softap(client_for(photon, transport))
    args = ["--host", "127.0.0.1", "--port", str(port), *(["--http"] * (transport == "http"))]
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong password!\n"))
    assert main(["softap", "setup", *args, "--ssid", "HomeNet", "--password", "-"]) == 1
    captured = capsys.readouterr()
    assert "harken: error: wrong password for 'HomeNet'" in captured.err
    assert "wrong password!" not in captured.out + captured.err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main(
        ["softap", "setup", *args, "--ssid", "HomeNet", "--password", "-", "--json"]
        + ["--claim-code", CLAIM_CODE]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    outcome = json.loads(captured.out)
    assert outcome["joined"] is True and outcome["attempt"] == 2
    assert CLAIM_CODE not in captured.out + captured.err


def test_a_passphrase_with_quotes_and_backslashes_arrives_intact(native_device, transport):
    """The passphrase travels RSA-encrypted as hex, so unlike the SSID it may hold the
    characters the device's JSON reader does not unescape."""
    odd = 'say "hi" \\o/'
    network = WifiNetwork("Quoted", 0x00400004, channel=4, rssi=-50, password=odd)
    device = native_device("photon", identity="photon-plain", wifi_env=[network])
    client = client_for(device, transport)
    outcome = run_setup(client, SetupRequest("Quoted", password=odd))
    assert outcome.joined, outcome.message
    assert read_store(device.state_dir).wifi[0].key == odd.encode()
