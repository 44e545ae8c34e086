"""The bridge frame model (harken.protocol.bridge) against protocol/qemu-bridge.md, and
against the golden frames in protocol/qemu-bridge/vectors.json once they exist."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from harken.protocol.bridge import (
    FRAME,
    HELLO_PAYLOAD,
    MAX_PAYLOAD,
    BridgeFrameError,
    Frame,
    FrameDecoder,
    FrameType,
    Service,
    ap_frame,
    credit_frame,
    data_frames,
    decode_frame,
    encode_frame,
    hello_frame,
    open_frame,
    parse_ap,
    parse_credit,
    parse_open,
)

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "qemu-bridge" / "vectors.json"


def by_hand(kind: int, connection: int, payload: bytes) -> bytes:
    """The spec's table, written out without the model."""
    body = struct.pack("<BBH", kind, connection, len(payload)) + payload
    return b"\xa5" + body + struct.pack("<I", zlib.crc32(body))


SPEC_FRAMES = [
    (FrameType.OPEN, 1, bytes([Service.SIMPLE])),
    (FrameType.OPEN, 255, bytes([Service.HTTP])),
    (FrameType.DATA, 7, b"version\n0\n\n"),
    (FrameType.FIN, 7, b""),
    (FrameType.RESET, 7, b""),
    (FrameType.HELLO, 0, b"harken-bridge 1"),
    (FrameType.AP, 0, b"\x01"),
    (FrameType.AP, 0, b"\x00"),
    (FrameType.DEVICE_DATA, 7, b'\n\n{"v":2}'),
    (FrameType.CLOSE, 7, b""),
    (FrameType.CREDIT, 7, b"\x00\x02"),
    (FrameType.DEVICE_HELLO, 0, b"harken-bridge 1"),
    (FrameType.REFUSED, 9, b""),
    (0x42, 3, b"future"),  # unknown types decode: the receiver ignores them
    (FrameType.DATA, 1, bytes(range(256)) * 2),  # the largest payload
]


@pytest.mark.parametrize("kind,connection,payload", SPEC_FRAMES)
def test_frames_round_trip_as_the_spec_lays_them_out(
    kind: int, connection: int, payload: bytes
) -> None:
    wire = by_hand(kind, connection, payload)
    frame = Frame(kind, connection, payload)
    assert encode_frame(frame) == wire
    assert decode_frame(wire) == frame
    parsed = FRAME.parse(wire).body.value
    assert (parsed.type, parsed.connection, parsed.length) == (kind, connection, len(payload))


def test_helpers_build_the_spec_payloads() -> None:
    assert open_frame(4, Service.HTTP) == Frame(0x01, 4, b"\x01")
    assert parse_open(open_frame(4, Service.SIMPLE)) is Service.SIMPLE
    assert credit_frame(2, 0x1234).payload == b"\x34\x12"
    assert parse_credit(credit_frame(2, 65535)) == 65535
    assert parse_ap(ap_frame(True)) and not parse_ap(ap_frame(False))
    assert hello_frame() == Frame(0x05, 0, HELLO_PAYLOAD)
    assert hello_frame(from_device=True).type == 0x85
    chunks = data_frames(3, b"x" * 1100)
    assert [len(c.payload) for c in chunks] == [512, 512, 76]
    assert {c.type for c in chunks} == {0x02}
    assert data_frames(3, b"", from_device=True) == []
    assert Frame(0x42).known_type is None and Frame(0x42).type_name == "0x42"


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Frame(0x02, 1, bytes(MAX_PAYLOAD + 1)),
        lambda: Frame(0x100),
        lambda: Frame(0x02, 256),
        lambda: credit_frame(1, 0x10000),
        lambda: parse_credit(Frame(0x84, 1, b"\x01")),
        lambda: parse_ap(Frame(0x81, 0, b"\x02")),
        lambda: parse_open(Frame(0x01, 1, b"\x07")),
    ],
)
def test_out_of_range_fields_are_refused(bad: Any) -> None:
    with pytest.raises(BridgeFrameError):
        bad()


def test_decode_refuses_anything_but_one_good_frame() -> None:
    good = by_hand(0x02, 1, b"abc")
    for bad in (
        good[:-1],
        good + b"\x00",
        b"\x5a" + good[1:],
        good[:-1] + bytes([good[-1] ^ 1]),
        by_hand(0x02, 1, bytes(MAX_PAYLOAD + 1)),
        b"",
    ):
        with pytest.raises(BridgeFrameError):
            decode_frame(bad)


def test_decoder_reassembles_frames_fed_a_byte_at_a_time() -> None:
    frames = [Frame(k, c, p) for k, c, p in SPEC_FRAMES]
    stream = b"".join(encode_frame(f) for f in frames)
    decoder = FrameDecoder()
    out: list[Frame] = []
    for i in range(len(stream)):
        out += decoder.feed(stream[i : i + 1])
    assert out == frames
    assert decoder.pending == 0
    assert decoder.stats.frames == len(frames)
    assert (decoder.stats.bad_crc, decoder.stats.oversize, decoder.stats.skipped_bytes) == (0, 0, 0)


def test_decoder_skips_noise_and_resyncs_on_the_start_byte() -> None:
    one, two = Frame(0x82, 1, b"hello"), Frame(0x83, 1)
    decoder = FrameDecoder()
    assert decoder.feed(b"noise" + encode_frame(one) + b"\x00\x01" + encode_frame(two)) == [
        one,
        two,
    ]
    assert decoder.stats.skipped_bytes == 7


def test_decoder_drops_a_bad_crc_frame_and_keeps_the_next() -> None:
    bad = bytearray(encode_frame(Frame(0x82, 1, b"torn")))
    bad[6] ^= 0xFF
    good = Frame(0x84, 1, b"\x00\x01")
    decoder = FrameDecoder()
    assert decoder.feed(bytes(bad) + encode_frame(good)) == [good]
    assert decoder.stats.bad_crc == 1
    # every byte of the dropped candidate after its start byte was skipped
    assert decoder.stats.skipped_bytes == len(bad) - 1


def test_decoder_drops_an_oversize_header_without_waiting_for_its_body() -> None:
    oversize = b"\xa5\x82\x01" + struct.pack("<H", MAX_PAYLOAD + 1)
    good = Frame(0x81, 0, b"\x01")
    decoder = FrameDecoder()
    assert decoder.feed(oversize + encode_frame(good)) == [good]
    assert decoder.stats.oversize == 1


def test_decoder_finds_a_good_frame_hidden_inside_a_torn_one() -> None:
    inner = Frame(0x85, 0, HELLO_PAYLOAD)
    torn = b"\xa5\x82\x01\x40\x00"  # claims 64 bytes, then the link starts over
    decoder = FrameDecoder()
    assert decoder.feed(torn + encode_frame(inner)) == []  # still waiting for 64 bytes
    assert decoder.feed(bytes(64)) == [inner]
    assert decoder.stats.bad_crc == 1 and decoder.pending == 0


def _vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


VECTOR_DATA = _vectors()


def test_the_vectors_cover_every_frame_type() -> None:
    assert VECTOR_DATA["max_payload"] == MAX_PAYLOAD
    types = {case["type"] for case in VECTOR_DATA["frames"]}
    assert {int(t) for t in FrameType} <= types


@pytest.mark.parametrize("case", VECTOR_DATA["frames"], ids=lambda c: c["name"])
def test_golden_frames(case: dict[str, Any]) -> None:
    wire = bytes.fromhex(case["hex"])
    frame = Frame(case["type"], case["connection"], bytes.fromhex(case["payload_hex"]))
    assert encode_frame(frame) == wire
    assert decode_frame(wire) == frame
    parsed = FRAME.parse(wire)
    assert parsed.body.value.length == case["length"]
    assert parsed.crc == int(case["crc32"], 16)
    if case["type_name"] == "unknown":
        assert frame.known_type is None and frame.type_name == f"0x{case['type']:02x}"
    else:
        assert frame.type_name == case["type_name"]
    assert (frame.type < 0x80) == (case["direction"] == "host-to-device")


@pytest.mark.parametrize("case", VECTOR_DATA["streams"], ids=lambda c: c["name"])
@pytest.mark.parametrize("piecewise", [False, True], ids=["whole", "byte-by-byte"])
def test_golden_streams(case: dict[str, Any], piecewise: bool) -> None:
    data = bytes.fromhex(case["input_hex"])
    decoder = FrameDecoder()
    if piecewise:
        frames = [f for i in range(len(data)) for f in decoder.feed(data[i : i + 1])]
    else:
        frames = decoder.feed(data)
    expected = [
        Frame(f["type"], f["connection"], bytes.fromhex(f["payload_hex"])) for f in case["frames"]
    ]
    assert frames == expected
    stats = decoder.stats
    assert case["counters"] == {
        "bad_crc": stats.bad_crc,
        "oversize": stats.oversize,
        "skipped": stats.skipped_bytes,
    }
    assert decoder.pending == case["pending"]
