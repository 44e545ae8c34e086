"""harken.protocol.softap's request bodies and reply parsers (softap spec §4, §5), and the
parsers against the golden exchanges of protocol/softap/vectors.json."""

from __future__ import annotations

import io

import pytest

from harken.protocol.softap.framing import decode_request, encode_request, reply_payload
from harken.protocol.softap.http_framing import (
    ChunkedBody,
    parse_http_response,
)
from harken.protocol.softap.messages import (
    ConnectStatus,
    DeviceInfo,
    ScanEntry,
    ScanReplyText,
    claim_code_body,
    decode_reply,
    encode_body,
    parse_scan,
    result_meaning,
)
from harken.protocol.softap.public_key import (
    decode_public_key,
)
from softap_vectors import (
    EXAMPLE_CLAIM_CODE,
    EXCHANGES,
    vector_private_key,
)

PRIVATE_KEY = vector_private_key()
PUBLIC_KEY = PRIVATE_KEY.public_key()

# --- bodies and replies (§4, §5) ----------------------------------------------------------------


def test_bodies_are_compact_and_keep_strings_raw():
    assert encode_body({"idx": 0, "ssid": "Café", "sec": 4194310, "ch": 6}) == (
        '{"idx":0,"ssid":"Café","sec":4194310,"ch":6}'.encode()
    )
    assert claim_code_body(EXAMPLE_CLAIM_CODE) == (
        f'{{"k":"cc","v":"{EXAMPLE_CLAIM_CODE}"}}'.encode()
    )


@pytest.mark.parametrize("ssid", ['Home"Net', "Home\\Net", "Home\nNet", "Home\tNet", "\x7f"])
def test_strings_the_device_would_mangle_are_refused(ssid):
    with pytest.raises(ValueError, match="cannot receive"):
        encode_body({"ssid": ssid})


def test_pem_fields_are_json_escaped_because_the_device_unescapes_them():
    pem = "-----BEGIN CERTIFICATE-----\r\nAAEC\r\n-----END CERTIFICATE-----\r\n"
    body = encode_body({"crt": pem})
    assert body == b'{"crt":"' + pem.replace("\r", "\\r").replace("\n", "\\n").encode() + b'"}'


def test_claim_codes_the_device_would_cut_are_refused():
    claim_code_body("x" * 63)
    with pytest.raises(ValueError, match="keeps only 63"):
        claim_code_body("x" * 64)
    with pytest.raises(ValueError):
        claim_code_body("")


def test_device_id_reply():
    info = DeviceInfo.from_reply({"id": "3A0028000447343232363230", "c": "0"})
    assert info == DeviceInfo("3a0028000447343232363230", False)
    assert DeviceInfo.from_reply({"id": "3a0028000447343232363230", "c": "1"}).claimed


SPEC_SCAN = (
    b'{"scans":[{"ssid":"HomeNet","rssi":-52,"sec":4194310,"ch":6,"mdr":144400},'
    b'{"ssid":"Guest","rssi":-71,"sec":0,"ch":11,"mdr":54000}]}'
)


def test_the_spec_scan_reply():
    entries = parse_scan(SPEC_SCAN)
    assert entries == [
        ScanEntry("HomeNet", -52, 0x00400006, 6, 144400),
        ScanEntry("Guest", -71, 0, 11, 54000),
    ]
    assert entries[0].security_name == "wpa2_mixed"
    assert parse_scan(b'{"scans":[]}') == []


def test_a_scan_with_an_unescaped_quote_in_an_ssid_still_parses():
    raw = SPEC_SCAN.replace(b'"Guest"', b'"Gu"est\\"')
    assert [e.ssid for e in parse_scan(raw)] == ["HomeNet", 'Gu"est\\']
    rebuilt = ScanReplyText.build(ScanReplyText.parse(SPEC_SCAN))
    assert rebuilt == SPEC_SCAN


def test_unknown_security_in_a_scan():
    raw = b'{"scans":[{"ssid":"X","rssi":-60,"sec":-1,"ch":1,"mdr":54000}]}'
    assert parse_scan(raw)[0].security == 0xFFFFFFFF


def test_connect_status_replies():
    status = ConnectStatus.from_reply(
        {"r": 0, "attempt": 2, "state": "failed", "ssid": "HomeNet", "reason": "timeout"}
    )
    assert status.finished and status.reason == "timeout"
    idle = ConnectStatus.from_reply({"r": 0, "attempt": 0, "state": "idle"})
    assert (idle.ssid, idle.finished, idle.to_reply()) == (
        None,
        False,
        {"r": 0, "attempt": 0, "state": "idle"},
    )


def test_replies_that_are_not_json_objects_are_format_errors():
    from harken.protocol.softap.format_errors import ReplyFormatError

    with pytest.raises(ReplyFormatError):
        decode_reply(b"{", "version")
    with pytest.raises(ReplyFormatError):
        decode_reply(b"[1]", "version")


def test_result_code_meanings_follow_the_spec_table():
    assert "scan" in result_meaning("configure-ap", -2)
    assert "SSID length" in result_meaning("configure-ap", -3)
    assert "passphrase was rejected" in result_meaning("configure-ap", -4)
    assert "decrypt" in result_meaning("configure-ap", -16640)
    assert "-0x4080" in result_meaning("configure-ap", -0x4080)
    assert "enterprise" in result_meaning("configure-ap", 1)
    assert "error 7" in result_meaning("configure-ap", 7)
    assert "'cc'" in result_meaning("set", -1)
    assert "not available" in result_meaning("public-key", 1)
    assert "does not know" in result_meaning("version", -404)
    assert "malformed" in result_meaning("set", -400)


# --- harken's parsers against the golden exchanges (protocol/softap/vectors.json) ---------------


def _exchange_cases(transport):
    return [c for c in EXCHANGES["cases"] if c["transport"] == transport]


@pytest.mark.parametrize("case", _exchange_cases("tcp"), ids=lambda c: c["name"])
def test_golden_tcp_exchanges(case):
    request, reply = case["request"].encode("latin-1"), case["reply"].encode("latin-1")
    try:
        name, body = decode_request(request)
        ours = encode_request(name, body)
    except ValueError:
        ours = None  # a malformed request on purpose: harken's encoder would refuse it
    if ours is not None:
        assert ours == request
    payload = reply_payload(reply)
    if not payload:
        assert reply == b""
        return
    decoded = decode_reply(payload, name if ours is not None else "?")
    if "r" in decoded and decoded["r"] != 0:
        assert result_meaning(name if ours is not None else "?", decoded["r"])
    elif ours is not None and name == "device-id":
        assert DeviceInfo.from_reply(decoded).device_id == EXCHANGES["device"]["device_id"]
    elif ours is not None and name == "scan-ap":
        assert [e.ssid for e in parse_scan(payload)] == [n["ssid"] for n in EXCHANGES["networks"]]
    elif ours is not None and name == "public-key":
        assert decode_public_key(decoded["b"]).public_numbers() == PUBLIC_KEY.public_numbers()
    elif ours is not None and name == "connect-status":
        assert ConnectStatus.from_reply(decoded).state == "idle"


@pytest.mark.parametrize("case", _exchange_cases("http"), ids=lambda c: c["name"])
def test_golden_http_replies_parse(case):
    reply = case["reply"].encode("latin-1")
    remaining = reply
    while remaining:  # pipelined replies: parse one, then the rest
        response = parse_http_response(remaining, at_eof=True)
        assert 100 <= response.status < 600
        if response.body.startswith(b"{"):
            decode_reply(response.body, "?")
        head = remaining.index(b"\r\n\r\n") + 4
        consumed = head + _body_bytes(response, remaining[head:])
        remaining = remaining[consumed:]


def _body_bytes(response, rest: bytes) -> int:
    if "chunked" in response.headers.get("transfer-encoding", ""):
        stream = io.BytesIO(rest)
        ChunkedBody.parse_stream(stream)
        return stream.tell()
    return int(response.headers.get("content-length", len(rest)))
