"""The golden console vectors (protocol/serial-console/vectors.json) against the real native
device over its pty, plus harken's parsers against the same bytes."""

from __future__ import annotations

import pytest

from console_io import (
    VECTORS,
    RawConsole,
    assert_bytes,
    enter_listening,
    identity_for,
    platform_of,
)
from harken.protocol.console import parse_claimed, parse_identify, parse_mac, parse_version
from harken.protocol.describe import parse_describe
from harken.protocol.platform import platform_by_name
from stored_config import read_store

CASES = VECTORS["cases"]


def case_secrets(case: dict) -> list[str]:
    """Test-data secrets of a case: they never appear in failure messages."""
    stored = case.get("stored", {})
    secrets = [w["key"] for w in stored.get("wifi", [])]
    secrets.append(stored.get("claim_code") or "")
    secrets.append(stored.get("eap", {}).get("password", ""))
    previous = ""
    for exchange in case["exchanges"]:
        if len(exchange["send"]) >= 60 or previous.endswith("Password: "):
            secrets.append(exchange["send"].strip())  # claim codes, passwords (also refused)
        previous = exchange["expect"]
    return [s for s in secrets if s]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case, native_device):
    platform = platform_of(case["identity"])
    device = native_device(platform, identity=case["identity"])
    if platform_by_name(platform).has_wifi:
        # Photon/P1 without credentials are in listening mode from boot.
        assert "[listening] entered: no credentials" in device.log_path.read_text()
    else:
        enter_listening(device)
    secrets = case_secrets(case)
    with RawConsole(device.console) as console:
        for step, exchange in enumerate(case["exchanges"]):
            console.exchange(
                exchange["send"].encode("latin-1"),
                exchange["expect"].encode("latin-1"),
                f"{case['name']} exchange {step}",
                secrets=secrets,
            )
    assert device.running
    if "stored" in case:
        check_stored(case["stored"], read_store(device.state_dir), secrets)


def check_stored(expected: dict, stored, secrets: list[str]) -> None:
    if "claim_code" in expected:
        want = expected["claim_code"]
        if stored.claim_code != want:
            pytest.fail(
                f"stored claim code: expected {'none' if want is None else 'the sent code'}, "
                f"got {'none' if stored.claim_code is None else f'{len(stored.claim_code)} chars'}"
                " (different)",
                pytrace=False,
            )
    if "claimed" in expected:
        assert stored.claimed is expected["claimed"]
    if "wifi" in expected:
        want = [
            (w["ssid"].encode(), int(w["security"], 16), w["key"].encode())
            for w in expected["wifi"]
        ]
        got = [(n.ssid, n.security, n.key) for n in stored.wifi]
        assert [(s, sec) for s, sec, _ in got] == [(s, sec) for s, sec, _ in want]
        for (_, _, got_key), (ssid, _, want_key) in zip(got, want, strict=True):
            assert_bytes(got_key, want_key, f"stored key of {ssid!r}", secrets)
    if "eap" in expected:
        eap = expected["eap"]
        assert stored.eap.type == eap["type"]
        assert stored.eap.inner_identity == eap["inner_identity"].encode()
        assert stored.eap.outer_identity == eap["outer_identity"].encode()
        assert_bytes(stored.eap.password, eap["password"].encode(), "EAP password", secrets)
        assert stored.eap.ca_der.hex() == eap["ca_der_hex"]
    if "client_certificate_hex" in expected:
        assert stored.client_certificate.hex() == expected["client_certificate_hex"]
    if "client_key_hex" in expected:
        assert stored.client_key.hex() == expected["client_key_hex"]


# --- harken's parsers read the vector replies back into the identities ---------------------------

PARSER_COMMANDS = ("i", "m", "s", "v", "c")
PARSED_CASES = [
    c for c in CASES if len(c["exchanges"]) == 1 and c["exchanges"][0]["send"] in PARSER_COMMANDS
]


def test_parser_cases_cover_every_query():
    assert {c["exchanges"][0]["send"] for c in PARSED_CASES} == set(PARSER_COMMANDS)


@pytest.mark.parametrize("case", PARSED_CASES, ids=[c["name"] for c in PARSED_CASES])
def test_parsers_decode_vector_replies(case):
    identity = identity_for(case["identity"])
    platform = platform_by_name(platform_of(case["identity"]))
    command = case["exchanges"][0]["send"]
    reply = case["exchanges"][0]["expect"].encode("latin-1")
    if command == "i":
        parsed = parse_identify(reply)
        assert parsed.device_id == identity["device_id"]
        assert parsed.serial_number == identity.get("serial_number")
        assert parsed.imei == identity.get("imei")
        assert parsed.iccid == identity.get("iccid")
        assert parsed.cell_radio_version == identity.get("cell_radio_version")
        extra_values = {k for k in identity if k not in ("device_id", "mac")}
        assert parsed.form == ("long" if extra_values else "short")
        assert parsed.extra == {}
    elif command == "m":
        assert parse_mac(reply) == identity["mac"]
    elif command == "s":
        describe = parse_describe(reply)
        assert describe.platform_id == platform.platform_id
        assert describe.platform_name == platform.name
        cellular = {
            "imei": identity.get("imei"),
            "iccid": identity.get("iccid"),
            "cellfw": identity.get("cell_radio_version"),
        }
        product = {"product_id": str(platform.platform_id), "product_version": "65535"}
        assert describe.properties == {
            **{k: v for k, v in cellular.items() if v is not None},
            **product,  # harken's addition: the running image's product
        }
        assert (describe.product_id, describe.product_version) == (platform.platform_id, 0xFFFF)
        assert [m.function_name for m in describe.modules] == ["monolithic"]
        assert all(m.valid for m in describe.modules)
    elif command == "v":
        version = parse_version(reply)
        assert reply == f"system firmware version: {version.version}\n\r\n".encode()
        assert version.version.startswith("2.3.1") and not version.minimal
    elif command == "c":
        assert parse_claimed(reply) is False
