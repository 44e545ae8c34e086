"""The ``w`` dialogue through harken's ConsoleClient against the real native device: every
security type, typed (network not in the simulated environment) and scanned, checked against
the prompts the device asked and the profile it stored."""

from __future__ import annotations

import pytest

from console_io import DeviceLog, RawConsole, assert_bytes, enter_listening
from harken.console.client import ConsoleClient
from harken.console.errors import WifiSaveFailed
from harken.protocol import console as texts
from stored_config import (
    assert_only_changed,
    check_claim_code,
    check_same_bytes,
    read_store,
)
from wifi_cases import (
    CA_DER,
    CASES,
    CERT_DER,
    ENTERPRISE_WRITES,
    ENVIRONMENT,
    KEY_DER,
    PASSWORD,
    PEAP,
    PEAP_PASSWORD,
    TLS,
    WEP_KEY,
)

IN_RANGE = {str(n["ssid"]) for n in ENVIRONMENT}


@pytest.fixture
def photon(native_device):
    return native_device("photon", identity="photon-plain", wifi_env=ENVIRONMENT)


@pytest.mark.parametrize(
    "ssid,arguments,prompts,security,key", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_configure(photon, ssid, arguments, prompts, security, key):
    before = read_store(photon.state_dir)
    log = DeviceLog(photon)
    with ConsoleClient.open(photon.console) as client:
        result = client.configure_wifi(ssid, **arguments)
    assert result.prompts == prompts
    stored = read_store(photon.state_dir)
    assert [(n.ssid, n.security, n.channel) for n in stored.wifi] == [(ssid.encode(), security, 0)]
    assert_bytes(stored.wifi[0].key, key, "stored key", [PASSWORD, WEP_KEY, PEAP_PASSWORD])
    enterprise = security & 0x02000000
    if enterprise and "username" in arguments:
        assert stored.eap.type == 25
        assert stored.eap.inner_identity == PEAP["username"].encode()
        assert stored.eap.outer_identity == PEAP["outer_identity"].encode()
        assert_bytes(stored.eap.password, PEAP_PASSWORD.encode(), "EAP password", [PEAP_PASSWORD])
        assert stored.eap.ca_der == CA_DER
        assert stored.client_certificate == b"" and stored.client_key == b""
    elif enterprise:
        assert stored.eap.type == 13
        assert (stored.eap.inner_identity, stored.eap.outer_identity) == (b"", b"")
        assert_bytes(stored.eap.password, b"1", "EAP password", [PEAP_PASSWORD])
        assert stored.eap.ca_der == b""
        assert stored.client_certificate == CERT_DER
        assert stored.client_key == KEY_DER
    allowed = [(6704, 7548)] + (ENTERPRISE_WRITES if enterprise else [])
    assert_only_changed(before, stored, allowed, "Wi-Fi save")
    # Out of listening mode the device joins what it stored. A scanned network is in range
    # and, without a password in the environment, takes any credential; a typed one is not
    # in range, and a join that fails right after new credentials brings listening mode back.
    left = ["[softap] down", "[listening] exited", "[network] joining"]
    if ssid in IN_RANGE:
        log.wait_for("[network] joined")
        assert log.lines() == [*left, "[network] joined"]
        enter_listening(photon)
        outcome = f'{{"attempt":1,"state":"connected","ssid":"{ssid}"}}'
    else:
        log.wait_for("[softap] up")
        assert log.lines() == [
            *left,
            "[network] join failed",
            "[listening] entered: join failed after new credentials",
            "[softap] up",
        ]
        outcome = f'{{"attempt":1,"state":"failed","ssid":"{ssid}","reason":"network-not-found"}}'
    with RawConsole(photon.console) as console:
        console.exchange("j", outcome + "\r\n", "join outcome")


def test_password_is_asked_only_when_the_device_prompts(photon):
    asked = []

    def password() -> str:
        asked.append(True)
        return PASSWORD

    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("OpenCafe", password=password)
    assert asked == []
    enter_listening(photon)
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("HomeWpa2", password=password)
    assert asked == [True]
    assert [n.ssid for n in read_store(photon.state_dir).wifi] == [b"HomeWpa2", b"OpenCafe"]


def test_ssid_that_looks_like_a_prompt(photon):
    with ConsoleClient.open(photon.console) as client:
        result = client.configure_wifi("Password: SSID:", password=PASSWORD)
    assert result.prompts == ("ssid", "password")
    assert read_store(photon.state_dir).wifi[0].ssid == b"Password: SSID:"


def test_save_failure_is_reported_and_nothing_is_stored(photon):
    log = DeviceLog(photon)
    before = (photon.state_dir / "dct.bin").read_bytes()
    with ConsoleClient.open(photon.console) as client:
        with pytest.raises(WifiSaveFailed) as info:
            client.configure_wifi("HomeWpa2", password="short")
        assert "short" not in str(info.value)
        assert client.claimed() is False  # still listening
    check_same_bytes((photon.state_dir / "dct.bin").read_bytes(), before, "dct.bin")
    assert log.lines() == []


def test_profiles_newest_first_same_ssid_in_place_five_slots(photon):
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("Net-0", "wpa2", password=PASSWORD)
    for i in range(1, 6):
        enter_listening(photon)
        with ConsoleClient.open(photon.console) as client:
            client.configure_wifi(f"Net-{i}", "wpa", "tkip", password=PASSWORD + str(i))
    stored = read_store(photon.state_dir)
    assert [n.ssid for n in stored.wifi] == [f"Net-{i}".encode() for i in (5, 4, 3, 2, 1)]
    enter_listening(photon)
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("Net-3", "wpa2", password="replaced-pass")
    stored = read_store(photon.state_dir)
    assert [(n.ssid, n.security) for n in stored.wifi][:3] == [
        (b"Net-5", 0x00200002),
        (b"Net-4", 0x00200002),
        (b"Net-3", 0x00400004),
    ]
    assert_bytes(stored.wifi[2].key, b"replaced-pass", "updated key", ["replaced-pass"])


def test_a_single_enterprise_profile(photon):
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("CorpWpa2Ent", **TLS)
    enter_listening(photon)
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("HomeWpa2", password=PASSWORD)
    enter_listening(photon)
    with ConsoleClient.open(photon.console) as client:
        client.configure_wifi("CorpWpaEnt", **PEAP)
    stored = read_store(photon.state_dir)
    # the new enterprise network takes over the enterprise slot; the settings are replaced
    assert [n.ssid for n in stored.wifi] == [b"HomeWpa2", b"CorpWpaEnt"]
    assert stored.eap.type == 25 and stored.client_certificate == b""


def test_wifi_keeps_the_claim_code(photon):
    code = "Q" * 63
    with ConsoleClient.open(photon.console) as client:
        client.set_claim_code(code)
        client.configure_wifi("HomeWpa2", password=PASSWORD)
    check_claim_code(read_store(photon.state_dir).claim_code, code)


def pem_block(label: str, size: int) -> str:
    """A PEM block whose lines, each counted with the CRLF the device keeps, add up to
    exactly ``size`` bytes."""
    head, tail = f"-----BEGIN {label}-----", f"-----END {label}-----"
    left = size - (len(head) + 2) - (len(tail) + 2)
    body = []
    while left > 0:
        width = min(64, left - 2)
        if left - (width + 2) in (1, 2):  # a last line needs at least 1 byte plus its CRLF
            width -= 2
        body.append("A" * width)
        left -= width + 2
    lines = [head, *body, tail]
    assert sum(len(line) + 2 for line in lines) == size
    return "\n".join(lines) + "\n"


BLOCK_LIMITS = [
    ("client_cert_pem", texts.PEM_BLOCK_MAX),
    ("private_key_pem", texts.PRIVATE_KEY_BLOCK_MAX),
    ("root_ca_pem", texts.PEM_BLOCK_MAX),
]


@pytest.mark.parametrize("field,limit", BLOCK_LIMITS, ids=[f for f, _ in BLOCK_LIMITS])
def test_pem_block_that_just_fits_keeps_the_dialogue_in_step(photon, field, limit):
    """At the largest size harken accepts, the device still reads the empty line that ends
    the block, so every later prompt comes in order."""
    with ConsoleClient.open(photon.console) as client:
        result = client.configure_wifi("CorpWpa2Ent", **{**TLS, field: pem_block("X", limit)})
    assert result.prompts == (
        "ssid", "eap-type", "client-cert", "private-key", "outer-identity", "root-ca",
    )  # fmt: skip


@pytest.mark.parametrize("field,limit", BLOCK_LIMITS, ids=[f for f, _ in BLOCK_LIMITS])
def test_pem_block_too_large_is_refused_before_sending(photon, field, limit):
    before = (photon.state_dir / "dct.bin").read_bytes()
    with ConsoleClient.open(photon.console) as client:
        with pytest.raises(ValueError, match="longer than the device accepts"):
            client.configure_wifi("CorpWpa2Ent", **{**TLS, field: pem_block("X", limit + 1)})
        assert client.claimed() is False  # still in command mode, not inside a dialogue
    check_same_bytes((photon.state_dir / "dct.bin").read_bytes(), before, "dct.bin")


# --- byte-level limits of the dialogue (spec §3.3, §5.1, §5.3) ----------------------------------

SAVED = texts.WIFI_SAVING + texts.WIFI_SAVED
FAILED = texts.WIFI_SAVING + texts.WIFI_SAVE_FAILED


def typed_wpa2(console: RawConsole, ssid: bytes) -> None:
    console.exchange("w", texts.SSID_PROMPT)
    console.exchange(ssid + b"\n", ssid[:32] + b"\r\n" + texts.SECURITY_PROMPT)
    console.exchange("3\n", b"3\r\n" + texts.CIPHER_PROMPT)
    console.exchange("1\n", b"1\r\n" + texts.PASSWORD_PROMPT)


@pytest.mark.parametrize(
    "password,saved",
    [(b"x" * 7, False), (b"x" * 8, True), (b"y" * 64, True)],
    ids=["7-too-short", "8", "64"],
)
def test_wpa2_password_length_limits(photon, password, saved):
    with RawConsole(photon.console) as console:
        typed_wpa2(console, b"S" * 32)
        console.exchange(password + b"\n", password + b"\r\n" + (SAVED if saved else FAILED))
    stored = read_store(photon.state_dir)
    if saved:
        assert [(n.ssid, len(n.key)) for n in stored.wifi] == [(b"S" * 32, len(password))]
        assert_bytes(stored.wifi[0].key, password, "stored key")
    else:
        assert stored.wifi == ()


def test_overlong_answers_are_cut_and_the_rest_flushed(photon):
    """SSID: 32 bytes kept, the 33rd ends the line; password: 64 kept; a one-digit answer
    ends at its second byte."""
    with RawConsole(photon.console) as console:
        console.exchange("w", texts.SSID_PROMPT)
        console.exchange(
            b"N" * 40 + b"\n", b"N" * 32 + b"\r\n" + texts.SECURITY_PROMPT
        )  # byte 33 is swallowed, the rest is flushed
        console.exchange("35\n", b"3\r\n" + texts.CIPHER_PROMPT)
        console.exchange("21\n", b"2\r\n" + texts.PASSWORD_PROMPT)
        console.exchange(b"p" * 70 + b"\n", b"p" * 64 + b"\r\n" + SAVED)
    stored = read_store(photon.state_dir)
    assert [(n.ssid, n.security) for n in stored.wifi] == [(b"N" * 32, 0x00400002)]
    assert_bytes(stored.wifi[0].key, b"p" * 64, "stored key")


@pytest.mark.parametrize(
    "key,saved", [(b"k" * 4, False), (b"k" * 5, True), (b"a" * 58, True), (b"a" * 59, False)]
)
def test_wep_key_length_limits(photon, key, saved):
    with RawConsole(photon.console) as console:
        console.exchange("w", texts.SSID_PROMPT)
        console.exchange("OldWep\n", b"OldWep\r\n" + texts.CIPHER_PROMPT)
        console.exchange("1\n", b"1\r\n" + texts.PASSWORD_PROMPT)
        console.exchange(key + b"\n", key + b"\r\n" + (SAVED if saved else FAILED))
    stored = read_store(photon.state_dir)
    assert len(stored.wifi) == (1 if saved else 0)


def test_empty_password_stores_an_open_network(photon):
    """The system layer turns a personal network with an empty password into an open one;
    the AES cipher answer still ORs its bit in (spec §5.3 quirk)."""
    with RawConsole(photon.console) as console:
        typed_wpa2(console, b"NoPass")
        console.exchange("\n", b"\r\n" + SAVED)
    stored = read_store(photon.state_dir)
    assert [(n.ssid, n.security, n.key) for n in stored.wifi] == [(b"NoPass", 0x00000004, b"")]


def test_incomplete_enterprise_fails_but_still_leaves_listening_mode(photon):
    """EAP-TLS without a certificate cannot be saved ("Derp"); the dry run before the EAP
    questions passed, so listening mode ends anyway (spec §5.1 step 11)."""
    log = DeviceLog(photon)
    with RawConsole(photon.console) as console:
        console.exchange("w", texts.SSID_PROMPT)
        console.exchange("CorpWpa2Ent\n", b"CorpWpa2Ent\r\n" + texts.EAP_TYPE_PROMPT)
        console.exchange("1\n", b"1\r\n" + texts.CLIENT_CERT_PROMPT)
        console.exchange("\n", b"\r\n" + texts.PRIVATE_KEY_PROMPT)
        console.exchange("\n", b"\r\n" + texts.OUTER_IDENTITY_PROMPT)
        console.exchange("\n", b"\r\n" + texts.ROOT_CA_PROMPT)
        console.exchange("\n", b"\r\n" + FAILED)
    # no credentials were stored, so the device is straight back in listening mode, and
    # there was nothing to join
    assert log.wait_for("[softap] up") == [
        "[softap] down",
        "[listening] exited",
        "[listening] entered: no credentials",
        "[softap] up",
    ]
    assert read_store(photon.state_dir).wifi == ()
    with RawConsole(photon.console) as console:
        console.exchange("j", '{"attempt":0,"state":"idle"}\r\n', "join outcome")


def test_failed_personal_save_stays_in_listening_mode(photon):
    log = DeviceLog(photon)
    with RawConsole(photon.console) as console:
        typed_wpa2(console, b"Attic")
        console.exchange("short\n", b"short\r\n" + FAILED)
        console.exchange("c", "Device claimed: no\r\n")
    assert log.lines() == []


def test_blank_root_ca_counts_as_none(photon):
    """FINDING-3 when it fails: the optional root CA is "used if not blank" (spec §5.2 step 4;
    Device OS checks is_empty(), i.e. whitespace only): a block of spaces is no CA."""
    with RawConsole(photon.console) as console:
        console.exchange("w", texts.SSID_PROMPT)
        console.exchange("CorpWpa2Ent\n", b"CorpWpa2Ent\r\n" + texts.EAP_TYPE_PROMPT)
        console.exchange("0\n", b"0\r\n" + texts.USERNAME_PROMPT)
        console.exchange("bob\n", b"bob\r\n" + texts.PASSWORD_PROMPT)
        console.exchange("pw-1234\n", b"pw-1234\r\n" + texts.OUTER_IDENTITY_PROMPT)
        console.exchange("\n", b"\r\n" + texts.ROOT_CA_PROMPT)
        console.exchange("   \n\n", b"   \r\n\r\n" + SAVED, "blank root CA", secrets=["pw-1234"])
    stored = read_store(photon.state_dir)
    assert [n.ssid for n in stored.wifi] == [b"CorpWpa2Ent"]
    assert stored.eap.type == 25 and stored.eap.ca_der == b""
