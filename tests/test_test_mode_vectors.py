"""protocol/test-mode/vectors.json against the host model (harken.protocol.test_mode): frames
encode and decode, payloads both ways, streams read through FrameReader(256); the C++ core
replays the same file. Then the reader's edge cases the vectors do not spell out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harken.protocol import test_mode as tm
from harken.protocol.test_mode import (
    ButtonState,
    Command,
    Frame,
    FrameProblem,
    FrameReader,
    Hello,
    Identity,
    JoinRequest,
    LedRequest,
    Link,
    LogText,
    PingInfo,
    ScannedNetwork,
    Status,
    TestModeFrameError,
    TestModePayloadError,
)

ROOT = Path(__file__).resolve().parents[1]
VECTORS: dict[str, Any] = json.loads((ROOT / "protocol" / "test-mode" / "vectors.json").read_text())
FRAMES = VECTORS["frames"]
PAYLOADS = VECTORS["payloads"]
STREAMS = VECTORS["streams"]
REQUESTS = [p for p in PAYLOADS if p["kind"] == "request"]
REPLIES = [p for p in PAYLOADS if p["kind"] == "reply"]


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


def as_read(event: tm.ReadEvent) -> dict[str, Any]:
    """A reader event in the vectors' form."""
    if isinstance(event, Frame):
        return {"frame": {"type": event.type, "seq": event.seq, "payload_hex": event.payload.hex()}}
    if isinstance(event, FrameProblem):
        return {"error": event.status.wire_name, "seq": event.seq}
    return {"text": event.text}


def expected_body(reply_type: int, f: dict[str, Any]) -> object:
    """The value the vectors' fields describe for a reply type."""
    if f["status"] != 0 or reply_type in (0x82, 0x83, 0x87, 0x88, 0xFF, 0xB3):
        return None
    if reply_type == 0x80:
        return PingInfo(f["version"], f["max_payload"])
    if reply_type == 0x81:
        identity = {k: v for k, v in f.items() if k != "status"}
        sha = identity["image_sha256"]
        return Identity(**identity | {"image_sha256": None if sha == "00" * 32 else sha})
    if reply_type == 0x84:
        return f["rssi"]
    if reply_type == 0x85:
        return [ScannedNetwork(**n) for n in f["networks"]]
    if reply_type == 0x86:
        return Link(f["rssi"], f["ssid"])
    if reply_type == 0x89:
        return ButtonState(bool(f["pressed"]), f["presses"])
    if reply_type == 0xC0:
        return Hello(f["version"], f["device_id"])
    raise AssertionError(f"no expectation for reply type 0x{reply_type:02x}")


# --- the vectors ---------------------------------------------------------------------------


def test_the_preamble_and_statuses_match_the_vectors() -> None:
    assert tm.PREAMBLE.hex() == VECTORS["preamble_hex"]
    assert {s.wire_name: s.value for s in Status} == VECTORS["statuses"]


@pytest.mark.parametrize("case", FRAMES, ids=_ids(FRAMES))
def test_frames_encode_and_decode(case: dict[str, Any]) -> None:
    payload = bytes.fromhex(case["payload_hex"])
    wire = bytes.fromhex(case["hex"])
    assert tm.encode_frame(case["type"], case["seq"], payload) == wire
    assert tm.decode_frame(wire) == Frame(case["type"], case["seq"], payload)
    assert FrameReader(tm.MAX_REPLY).feed(wire) == [Frame(case["type"], case["seq"], payload)]


@pytest.mark.parametrize("case", REQUESTS, ids=_ids(REQUESTS))
def test_request_payloads(case: dict[str, Any]) -> None:
    payload = bytes.fromhex(case["payload_hex"])
    fields = case["fields"]
    if fields is None:
        assert case["expect_status"] == "bad_payload"
        with pytest.raises(TestModePayloadError):
            tm.decode_request(case["type"], payload)
        return
    if case["type"] == Command.JOIN:
        value: object = JoinRequest(**fields)
        assert tm.encode_join_request(JoinRequest(**fields)) == payload
    else:
        value = LedRequest(fields["r"], fields["g"], fields["b"], bool(fields["hold"]))
        assert (
            tm.encode_led_request(LedRequest(**fields | {"hold": bool(fields["hold"])})) == payload
        )
    assert tm.decode_request(case["type"], payload) == value


@pytest.mark.parametrize("case", REPLIES, ids=_ids(REPLIES))
def test_reply_payloads(case: dict[str, Any]) -> None:
    payload = bytes.fromhex(case["payload_hex"])
    fields = case["fields"]
    body = expected_body(case["type"], fields)
    reply = tm.decode_reply(case["type"], payload)
    assert (reply.status, reply.body) == (fields["status"], body)
    assert tm.encode_reply(case["type"], fields["status"], body) == payload


@pytest.mark.parametrize("case", STREAMS, ids=_ids(STREAMS))
def test_streams_read_whole_byte_by_byte_and_split(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["input_hex"])
    whole = [as_read(e) for e in FrameReader(tm.MAX_REQUEST).feed(data)]
    assert whole == case["reads"]
    reader = FrameReader(tm.MAX_REQUEST)
    assert [as_read(e) for b in data for e in reader.feed(bytes([b]))] == case["reads"]
    for cut in range(len(data) + 1):
        reader = FrameReader(tm.MAX_REQUEST)
        events = reader.feed(data[:cut]) + reader.feed(data[cut:])
        assert [as_read(e) for e in events] == case["reads"], f"split at {cut}"


def test_stream_replies_name_known_statuses() -> None:
    names = {s.wire_name for s in Status}
    for case in STREAMS:
        for r in case["replies"]:
            assert r["status"] in names, case["name"]
            assert r["status"] in {"ok", "unknown_command", "bad_payload"} or r["type"] == 0xFF


def test_the_vectors_cover_what_the_doc_asks_for() -> None:
    names = " | ".join(_ids(STREAMS))
    for needed in (
        "0x33",
        "bad version",
        "257",
        "1025",
        "bad crc followed",
        "non-CE",
        "back to back",
        "noise",
        "identify with a 1-byte",
        "led with 3",
        "ssid_len 33",
        "timeout 0",
    ):
        assert needed in names
    errors = {r["error"] for c in STREAMS for r in c["reads"] if "error" in r}
    assert errors == {"bad_version", "bad_length", "bad_crc"}
    reply_types = {p["type"] for p in REPLIES}
    assert {c | 0x80 for c in Command if c < 0x80} | {0xC0, 0xFF} <= reply_types


def test_the_status_and_type_tables_match_the_doc() -> None:
    doc = (ROOT / "protocol" / "test-mode.md").read_text()
    statuses = dict(re.findall(r"^\| (\d+) \| `(\w+)` \|", doc, re.MULTILINE))
    assert {s.wire_name: s.value for s in Status} == {n: int(c) for c, n in statuses.items()}
    types = dict(re.findall(r"^\| `0x([0-9A-F]{2})` \| `(\w+)`", doc, re.MULTILINE))
    assert {c.name: c.value for c in Command} == {n: int(v, 16) for v, n in types.items()}


# --- the reader's edge cases ---------------------------------------------------------------

PING = tm.encode_frame(Command.PING, 7, b"")


def test_a_frame_split_across_feeds() -> None:
    reader = FrameReader(tm.MAX_REQUEST)
    assert reader.feed(PING[:3]) == []
    assert reader.mid_frame
    assert reader.feed(PING[3:9]) == []
    assert reader.feed(PING[9:]) == [Frame(Command.PING, 7, b"")]
    assert not reader.mid_frame


def test_text_lines_lf_crlf_and_bytes_over_0x7f() -> None:
    reader = FrameReader(tm.MAX_REPLY)
    events = reader.feed(b"[wifi] joined\r\nplain\n\xc3\xa9\xff\x80x\r\na\rb\tc\n\r\r\n")
    assert events == [
        LogText("[wifi] joined"),
        LogText("plain"),
        LogText("????x"),
        LogText("a?b?c"),
        LogText("?"),
    ]


def test_text_and_frames_interleave_in_any_pieces() -> None:
    data = b"[system] one\r\n" + PING + b"[system] two\r\n" + PING
    want = [LogText("[system] one"), Frame(0, 7, b""), LogText("[system] two"), Frame(0, 7, b"")]
    reader = FrameReader(tm.MAX_REPLY)
    assert [e for b in data for e in reader.feed(bytes([b]))] == want


def test_a_partial_text_run_is_dropped_when_a_frame_starts() -> None:
    reader = FrameReader(tm.MAX_REPLY)
    assert reader.feed(b"half a li" + PING + b"ne\n") == [Frame(0, 7, b""), LogText("ne")]


def test_a_long_text_line_is_cut_and_the_next_one_is_whole() -> None:
    reader = FrameReader(tm.MAX_REPLY)
    events = reader.feed(b"x" * 5000 + b"\r\nshort\r\n")
    assert events == [LogText("x" * tm.MAX_TEXT), LogText("short")]


def test_a_bad_crc_frame_is_rescanned_from_the_byte_after_fa() -> None:
    inner = b"log\n" + PING
    bad = bytearray(tm.encode_frame(0x55, 9, inner))
    bad[-1] ^= 0xFF
    events = FrameReader(tm.MAX_REQUEST).feed(bytes(bad))
    # the rescanned header bytes and "log" make one text run; then the hidden ping
    assert events[0] == FrameProblem(Status.BAD_CRC, 9)
    assert isinstance(events[1], LogText) and events[1].text.endswith("log")
    assert events[2:] == [Frame(0, 7, b"")]


def test_bad_length_depends_on_the_limit() -> None:
    wire = tm.encode_frame(0x85, 3, bytes(257))
    assert FrameReader(tm.MAX_REQUEST).feed(wire[:7]) == [FrameProblem(Status.BAD_LENGTH, 3)]
    assert FrameReader(tm.MAX_REPLY).feed(wire) == [Frame(0x85, 3, bytes(257))]
    over = tm.encode_frame(0x85, 4, bytes(1025))
    assert FrameReader(tm.MAX_REPLY).feed(over[:7]) == [FrameProblem(Status.BAD_LENGTH, 4)]


def test_flush_partial_reports_truncated_with_the_header_seq() -> None:
    reader = FrameReader(tm.MAX_REQUEST)
    assert reader.flush_partial() is None
    reader.feed(PING[:6])
    assert reader.flush_partial() == FrameProblem(Status.TRUNCATED, 7)
    assert not reader.mid_frame
    reader.feed(PING[:3])
    assert reader.flush_partial() == FrameProblem(Status.TRUNCATED, 0)
    reader.feed(b"\xfa")
    assert reader.flush_partial() is None  # a lone FA is no frame yet
    assert reader.feed(PING) == [Frame(0, 7, b"")]


def test_after_a_truncated_frame_the_next_frame_reads() -> None:
    reader = FrameReader(tm.MAX_REQUEST)
    reader.feed(tm.encode_frame(Command.JOIN, 8, bytes(40))[:20])
    assert reader.flush_partial() == FrameProblem(Status.TRUNCATED, 8)
    assert reader.feed(PING) == [Frame(0, 7, b"")]


def test_without_a_flush_a_stopped_frame_swallows_what_follows() -> None:
    # why a station must flush on a timeout: the reader alone cannot tell
    reader = FrameReader(tm.MAX_REQUEST)
    reader.feed(tm.encode_frame(Command.JOIN, 8, bytes(40))[:20])
    assert reader.feed(PING) == []


# --- frames and payloads that do not fit ---------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        (PING[:-1], "shorter"),
        (PING + b"\x00", "after the frame"),
        (PING[:-1] + bytes([PING[-1] ^ 1]), "CRC"),
        (tm.encode_frame(0, 1, b"", version=2), "version 2"),
        (b"\xfa\xcf" + PING[2:], "not a frame"),
    ],
)
def test_decode_frame_refuses(wire: bytes, message: str) -> None:
    with pytest.raises(TestModeFrameError, match=message):
        tm.decode_frame(wire)


def test_decode_frame_applies_the_limit() -> None:
    wire = tm.encode_frame(0x50, 1, bytes(257))
    assert tm.decode_frame(wire).payload == bytes(257)
    with pytest.raises(TestModeFrameError, match="257 bytes > 256"):
        tm.decode_frame(wire, limit=tm.MAX_REQUEST)


def test_encode_frame_refuses_fields_that_are_not_bytes() -> None:
    with pytest.raises(TestModeFrameError, match="type 256"):
        tm.encode_frame(256, 1, b"")
    with pytest.raises(TestModeFrameError, match="seq -1"):
        tm.encode_frame(0, -1, b"")


SECRET = "hunter2-very-secret"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (JoinRequest("S" * 33, 0x00400004, SECRET, 30), "SSID has 33 bytes"),
        (JoinRequest("Lab", 0x00400004, SECRET * 4, 30), "passphrase has 76 bytes"),
        (JoinRequest("Lab", 0x00400004, SECRET, 0), "timeout 0 s"),
        (JoinRequest("Lab", 0x00400004, SECRET, 121), "timeout 121 s"),
        (JoinRequest("Lab", -1, SECRET, 30), "security -1"),
    ],
)
def test_a_join_request_out_of_range_is_refused_without_its_key(
    request_: JoinRequest, message: str
) -> None:
    with pytest.raises(TestModePayloadError, match=message) as caught:
        tm.encode_join_request(request_)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(request_)


def test_a_bad_join_payload_error_does_not_quote_the_key() -> None:
    good = tm.encode_join_request(JoinRequest("Lab", 0x00400004, SECRET, 30))
    for bad in (good[:-1], good + b"\x00", good[:-2] + b"\x00\x00"):
        with pytest.raises(TestModePayloadError) as caught:
            tm.decode_join_request(bad)
        assert SECRET not in str(caught.value)


def test_a_request_ssid_round_trips_bytes_that_are_not_utf8() -> None:
    payload = b"\x03\xffA\xfe" + bytes(4) + b"\x00" + b"\x05\x00"
    request = tm.decode_join_request(payload)
    assert tm.encode_join_request(request) == payload


@pytest.mark.parametrize(
    ("reply_type", "payload"),
    [
        (0x80, b""),
        (0x80, b"\x00\x01"),
        (0x80, b"\x00\x01\x00\x04\x00"),
        (0x84, b"\x20\x00\x00"),  # a failed join carries no rssi
        (0x85, b"\x00\x15" + (b"\x00" + bytes(4) + b"\x01\x00\x00") * 21),
        (0x85, b"\x00\x02" + b"\x00" + bytes(4) + b"\x01\x00\x00"),
        (0x89, b"\x00\x02\x00\x00"),
        (0xFF, b"\x03\x00"),
        (0xC0, b"\x00\x01" + bytes(11)),
    ],
)
def test_replies_that_do_not_fit_are_refused(reply_type: int, payload: bytes) -> None:
    with pytest.raises(TestModePayloadError):
        tm.decode_reply(reply_type, payload)


def test_an_unknown_status_code_is_kept() -> None:
    reply = tm.decode_reply(0x80, b"\x63")
    assert (reply.status, reply.body, reply.ok) == (0x63, None, False)
    assert tm.status_name(0x63) == "status 99"
    assert tm.status_name(3) == "bad_crc"


def test_device_text_decodes_leniently() -> None:
    payload = b"\x00\xc4\xff" + b"\x02\xffA"
    assert tm.decode_rssi_reply(payload).body == Link(-60, "\ufffdA")


def test_a_join_reply_is_a_result() -> None:
    assert tm.decode_join_reply(b"\x00\xcc\xff") == tm.JoinResult(Status.OK, -52)
    failed = tm.decode_join_reply(b"\x21")
    assert (failed.status, failed.rssi, failed.joined) == (Status.JOIN_NOT_FOUND, None, False)


def test_requests_without_payload_and_unknown_types() -> None:
    assert tm.decode_request(Command.PING, b"") is None
    assert tm.decode_request(Command.BUTTON, b"") is None
    with pytest.raises(TestModePayloadError):
        tm.decode_request(Command.REBOOT, b"\x00")
    with pytest.raises(ValueError, match="0x33"):
        tm.decode_request(0x33, b"")
    with pytest.raises(ValueError, match="0xc0"):
        tm.decode_request(Command.HELLO, b"")
