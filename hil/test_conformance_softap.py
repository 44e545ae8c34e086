"""Conformance: SoftAP setup (protocol/softap.md) over TCP and HTTP, unchanged on every device
under test that has a reachable setup AP. Golden exchanges that do not depend on the device's
key, identity or networks are replayed byte for byte from protocol/softap/vectors.json."""

from __future__ import annotations

import re
import socket
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from conformance import replay_softap, softap_cases
from harken.console.client import ConsoleClient
from harken.emulate.wifi_env import WifiNetwork
from harken.pytest_plugin import (
    FRESH_STATE,
    SOFTAP,
    ConsoleWire,
    SoftApWire,
    WifiEnvironment,
    enter_listening,
)
from harken.pytest_plugin.softap_wire import (
    http_request,
    parse_http,
    tcp_request,
    wait_until_down,
    wait_until_up,
)
from harken.softap.client import SoftApClient
from harken.softap.errors import Rejected
from harken.softap.setup_flow import SetupRequest, run_setup

pytestmark = [pytest.mark.needs(SOFTAP)]

PASSWORD = "correct horse battery"
CLAIM_CODE = "hil" * 21  # 63 characters
ABSENT_SSID = "harken-hil-absent-7Q3"
JOIN_TIMEOUT = 30.0
JOIN_SETTLE = 0.5
"""Longer than a simulated join takes here (50 ms)."""
ENVIRONMENT = [
    WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD, join_ms=50),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63, join_ms=50),
    WifiNetwork("OldRouter", 0x00200002, channel=1, rssi=-71, password=PASSWORD, join_ms=50),
]


def fails(softap: SoftApClient, fields: dict[str, str | int]) -> int:
    """The result code of a configure-ap the device must refuse."""
    with pytest.raises(Rejected) as refused:
        softap.command("configure-ap", fields, timeout=softap.scan_timeout)
    return refused.value.code


# --- identity and key --------------------------------------------------------------------------


def test_device_id_is_the_console_id_in_upper_case(
    softap_wire: SoftApWire, dut_console: ConsoleClient
) -> None:
    reply = softap_wire.tcp(tcp_request("device-id"))
    match = re.fullmatch(rb'\n\n\{"id":"([0-9A-F]{24})","c":"([01])"\}', reply)
    assert match, f"not a device-id reply: {reply!r}"
    assert match.group(1).decode().lower() == dut_console.identify().device_id
    assert (match.group(2) == b"1") == dut_console.claimed()


def test_public_key_is_the_294_byte_padded_rsa_1024_key(
    softap_wire: SoftApWire, softap_http: SoftApClient
) -> None:
    reply = softap_wire.tcp(tcp_request("public-key"))
    match = re.fullmatch(rb'\n\n\{"b":"([0-9A-F]{588})","r":0\}', reply)
    assert match, f"not a public-key reply: {reply[:80]!r}…"
    raw = bytes.fromhex(match.group(1).decode())
    spki, padding = raw[:162], raw[162:]
    assert padding == bytes(132)
    key = serialization.load_der_public_key(spki)
    assert isinstance(key, RSAPublicKey) and key.key_size == 1024
    numbers = key.public_numbers()
    assert numbers.e == 65537
    # Particle's clients drop the first 22 bytes and read a PKCS#1 RSAPublicKey.
    pkcs1 = raw[22:162]
    modulus = numbers.n.to_bytes(128, "big")
    assert pkcs1 == bytes.fromhex("30818902818100") + modulus + bytes.fromhex("0203010001")
    assert softap_http.public_key().public_numbers() == numbers, "HTTP gives another key"


# --- scan, claim code, configure-ap ---------------------------------------------------------------


def test_scan_ap_lists_the_networks_the_device_sees(
    softap: SoftApClient, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set(ENVIRONMENT)
    scan = softap.scan()
    assert [(e.ssid, e.rssi, e.security, e.channel) for e in scan] == [
        (n.ssid, n.rssi, n.security, n.channel) for n in ENVIRONMENT
    ]
    assert all(e.mdr > 0 for e in scan)


def test_tcp_commands_match_the_golden_exchanges(softap_wire: SoftApWire) -> None:
    """version, set (stored, other key, empty value, malformed bodies), configure-ap
    without a passphrase, an unknown command, the antenna commands."""
    cases = softap_cases(
        [
            "version",
            "set cc stores the claim code",
            "set: any other key is -1",
            "set: an empty value is -1",
            "set: an unknown member is a bad request",
            "set: a number where a string belongs is a bad request",
            "configure-ap: an open network needs no pwd",
            "configure-ap: an SSID over 32 bytes is -3",
            "configure-ap: not JSON is a bad request",
            "configure-ap: an unknown key is a bad request",
            "configure-ap: sec as a string is a bad request",
            "an unknown command is answered",
            "ant-internal closes without a reply",
        ]
    )
    assert replay_softap(softap_wire, cases) == []


def test_configure_ap_result_codes(softap: SoftApClient) -> None:
    """-2: WPA2 not in the device's scan; -3: SSID empty or too long; -4: passphrase of the
    wrong length, or a ciphertext of the wrong form."""
    with pytest.raises(Rejected) as unseen:
        softap.configure(ABSENT_SSID, security="wpa2_aes", password=PASSWORD)
    assert unseen.value.code == -2
    assert fails(softap, {"idx": 0, "ssid": "", "sec": 0}) == -3
    assert fails(softap, {"idx": 0, "ssid": "S" * 33, "sec": 0}) == -3
    with pytest.raises(Rejected) as short_wep:
        softap.configure("Basement", security="wep_psk", password="abc")
    assert short_wep.value.code == -4
    assert fails(softap, {"idx": 0, "ssid": "Basement", "sec": 1, "pwd": "abcd"}) == -4
    assert fails(softap, {"idx": 0, "ssid": "Basement", "sec": 1, "pwd": "zz" * 128}) == -4


def test_configure_ap_checks_a_visible_wpa2_passphrase(
    softap: SoftApClient, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set(ENVIRONMENT)
    with pytest.raises(Rejected) as short:
        softap.configure("HomeNet", security="wpa2_aes", password="short")
    assert short.value.code == -4
    softap.configure("HomeNet", security="wpa2_aes", channel=6, password=PASSWORD)


# --- connect-ap and the verified outcome ------------------------------------------------------


@pytest.mark.parametrize("transport", ["tcp", "http"])
def test_connect_ap_joins_and_the_outcome_is_verified(
    softap: SoftApClient,
    softap_http: SoftApClient,
    wifi_environment: WifiEnvironment,
    transport: str,
) -> None:
    wifi_environment.set(ENVIRONMENT)
    client = softap_http if transport == "http" else softap
    outcome = run_setup(
        client,
        SetupRequest(
            "HomeNet", password=PASSWORD, claim_code=CLAIM_CODE, join_timeout=JOIN_TIMEOUT
        ),
    )
    assert outcome.verified and outcome.joined, outcome
    assert (outcome.security, outcome.channel, outcome.attempt) == (0x00400004, 6, 1)
    assert outcome.claim_code_set
    # Having read the final outcome, the device leaves listening mode: the AP goes down.
    assert wait_until_down(client), "the SoftAP stayed up after a successful join"


def test_a_wrong_password_is_reported_and_the_softap_stays(
    softap: SoftApClient, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set(ENVIRONMENT)
    outcome = run_setup(softap, SetupRequest("HomeNet", password="not the password"))
    assert outcome.verified and outcome.joined is False
    assert (outcome.reason, outcome.attempt) == ("wrong-password", 1)
    status = softap.connect_status()
    assert (status.attempt, status.state, status.ssid, status.reason) == (
        1,
        "failed",
        "HomeNet",
        "wrong-password",
    )
    console_wire.exchange(
        "j", '{"attempt":1,"state":"failed","ssid":"HomeNet","reason":"wrong-password"}\r\n'
    )
    retry = run_setup(softap, SetupRequest("HomeNet", password=PASSWORD))
    assert retry.joined and retry.attempt == 2


def test_the_softap_returns_with_listening_mode_and_keeps_the_outcome(
    softap: SoftApClient, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set(ENVIRONMENT)
    assert run_setup(softap, SetupRequest("CafeFree")).joined
    assert wait_until_down(softap)
    enter_listening(console_wire.port)
    wait_until_up(softap)
    status = softap.connect_status()
    assert (status.attempt, status.state, status.ssid) == (1, "connected", "CafeFree")


@pytest.mark.needs(FRESH_STATE)
def test_connect_status_before_any_join(softap_wire: SoftApWire) -> None:
    cases = softap_cases(
        ["connect-status before any join", "two requests on one keep-alive connection"]
    )
    assert replay_softap(softap_wire, cases) == []


# --- malformed requests --------------------------------------------------------------------------


def test_malformed_tcp_requests_get_the_documented_errors(softap_wire: SoftApWire) -> None:
    cases = softap_cases(
        [
            "a length with a sign is refused",
            "a CR in the header is refused",
            "a length over 8192 is refused before any body",
            "a name over 29 bytes is refused",
            "configure-ap: a short ciphertext is -4",
        ]
    )
    assert replay_softap(softap_wire, cases) == []
    half = softap_wire.tcp(b'set\n30\n\n{"k":"cc"', half_close=True)
    assert half == b'\n\n{"r":-400,"error":"incomplete request"}'


# --- HTTP ----------------------------------------------------------------------------------------


def test_http_commands_match_the_golden_exchanges(softap_wire: SoftApWire) -> None:
    """Command replies: the header block with CORS, then chunked JSON; a query string and
    percent-encoding do not change the command."""
    cases = softap_cases(
        [
            "GET /version",
            "POST /set",
            "POST /configure-ap",
            "a query string and percent-encoding are ignored for matching",
        ]
    )
    assert replay_softap(softap_wire, cases) == []


def test_http_pages(softap_wire: SoftApWire) -> None:
    cases = softap_cases(
        [
            "GET / redirects to /index",
            "GET /index redirects to /hello",
            "GET /hello carries its NUL",
            "an unknown page is 404",
        ]
    )
    assert replay_softap(softap_wire, cases) == []


def test_cors_preflight(softap_wire: SoftApWire) -> None:
    assert replay_softap(softap_wire, softap_cases(["OPTIONS preflight"])) == []
    reply = parse_http(softap_wire.http(http_request("OPTIONS", "/public-key")))
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == "*"
    assert reply.headers["access-control-allow-methods"] == "GET, POST, PUT, OPTIONS"


def test_malformed_http_requests_get_the_documented_errors(softap_wire: SoftApWire) -> None:
    cases = softap_cases(
        [
            "POST /configure-ap with bad JSON is 400",
            "DELETE is 405",
            "HTTP/2.0 is 505",
            "a chunked request body is 411",
            "a body over 8192 bytes is 413",
        ]
    )
    assert replay_softap(softap_wire, cases) == []


def test_a_stalled_client_does_not_hold_up_others(softap_wire: SoftApWire) -> None:
    """Device OS serves one connection at a time and waits for a short body forever; harken
    keeps serving other clients meanwhile."""
    with socket.create_connection((softap_wire.host, softap_wire.tcp_port), timeout=5) as stalled:
        stalled.sendall(b'set\n30\n\n{"k":')
        for _ in range(3):
            assert softap_wire.tcp(tcp_request("version")) == b'\n\n{"v":2}'
        reply = softap_wire.http(http_request("GET", "/version"))
        assert parse_http(reply).body == b'{"v":2}'


@pytest.mark.platform("photon", "p1")
def test_the_softap_is_up_exactly_while_listening(
    softap: SoftApClient, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    """``x`` with stored credentials ends listening mode and takes the AP down; 28800 baud
    brings both back, on the same ports."""
    wifi_environment.set(ENVIRONMENT)
    softap.configure("CafeFree", security="open", channel=11)
    console_wire.send("x")
    assert wait_until_down(softap), "the SoftAP stayed up after x"
    time.sleep(JOIN_SETTLE)  # re-entering listening mode earlier would cancel the join
    enter_listening(console_wire.port)
    wait_until_up(softap)
    status = softap.connect_status()
    assert (status.attempt, status.state, status.ssid, status.reason) == (
        1,
        "connected",
        "CafeFree",
        None,
    )
