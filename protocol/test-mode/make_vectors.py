"""Writes vectors.json: frames, payloads and byte streams of the test-mode protocol
(protocol/test-mode.md). Everything expected here is written out by hand from the doc's rules
(struct layouts, zlib.crc32 for the CRC, the reads and replies of each stream stated case by
case), not taken from harken.protocol.test_mode, so the host model (tests/
test_test_mode_vectors.py) and the C++ core (firmware/test/test_core/
test_test_mode_vectors.cpp) are both checked against it.
Run: .venv/bin/python protocol/test-mode/make_vectors.py
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

PREAMBLE = bytes.fromhex("e163573fe787c2a68520a56ce3049ea0")
WPA2_AES, OPEN, WPA_TKIP, WEP_PSK = 0x00400004, 0, 0x00200002, 1
PING, IDENTIFY, REBOOT, FACTORY_RESET, JOIN, SCAN, RSSI, CLEAR, LED, BUTTON = range(10)
HELLO, FRAME_ERROR = 0xC0, 0xFF
STATUS = {
    "ok": 0,
    "unknown_command": 1,
    "bad_payload": 2,
    "bad_crc": 3,
    "bad_length": 4,
    "truncated": 5,
    "bad_version": 6,
    "busy": 7,
    "unsupported": 8,
    "not_connected": 9,
    "storage_failed": 10,
    "join_wrong_password": 32,
    "join_not_found": 33,
    "join_timed_out": 34,
}
DEVICE_ID = "3a0021000d47353136383631"
SHA = bytes(range(0x10, 0x30)).hex()


def frame(type_: int, seq: int, payload: bytes = b"", *, version: int = 1) -> bytes:
    """sync FA CE, version, type, seq, u16 length, payload, CRC-32 of everything after the sync."""
    body = struct.pack("<BBBH", version, type_, seq, len(payload)) + payload
    return b"\xfa\xce" + body + struct.pack("<I", zlib.crc32(body))


def text(s: str) -> bytes:
    return struct.pack("<B", len(s.encode())) + s.encode()


def join_request(ssid: str, security: int, key: str, timeout_s: int) -> bytes:
    return text(ssid) + struct.pack("<I", security) + text(key) + struct.pack("<H", timeout_s)


def network(ssid: str, security: int, channel: int, rssi: int) -> bytes:
    return text(ssid) + struct.pack("<IBh", security, channel, rssi)


def network_fields(ssid: str, security: int, channel: int, rssi: int) -> dict[str, Any]:
    return {"ssid": ssid, "security": security, "channel": channel, "rssi": rssi}


def identify_reply(f: dict[str, Any]) -> bytes:
    return (
        struct.pack("<B", f["status"])
        + bytes.fromhex(f["device_id"])
        + struct.pack(
            "<HHHBBH",
            f["platform_id"],
            f["product_id"],
            f["product_version"],
            f["module_function"],
            f["module_index"],
            f["module_version"],
        )
        + text(f["system_version"])
        + bytes.fromhex(f["image_sha256"])
        + bytes.fromhex(f["mac"])
        + text(f["imei"])
        + text(f["iccid"])
        + text(f["serial_number"])
    )


def request(name: str, type_: int, payload: bytes, fields: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "type": type_,
        "kind": "request",
        "payload_hex": payload.hex(),
        "fields": fields,
    }
    if fields is None:
        entry["expect_status"] = "bad_payload"
    return entry


def reply(name: str, type_: int, payload: bytes, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "kind": "reply",
        "payload_hex": payload.hex(),
        "fields": fields,
    }


PHOTON_IDENTITY: dict[str, Any] = {
    "status": 0,
    "device_id": DEVICE_ID,
    "platform_id": 6,
    "product_id": 6,
    "product_version": 65535,
    "module_function": 3,
    "module_index": 0,
    "module_version": 2302,
    "system_version": "2.3.1",
    "image_sha256": SHA,
    "mac": "e04f43a1b2c3",
    "imei": "",
    "iccid": "",
    "serial_number": "PH-000123",
}
ELECTRON_IDENTITY: dict[str, Any] = PHOTON_IDENTITY | {
    "device_id": "27003b000a51343334363138",
    "platform_id": 10,
    "product_id": 10,
    "product_version": 3,
    "image_sha256": "00" * 32,
    "mac": "00" * 6,
    "imei": "352753090123456",
    "iccid": "8934076500002589174",
    "serial_number": "",
}
TWENTY = [(f"line-{i:02d}-" + "x" * 24, WPA2_AES, 1 + i % 11, -40 - i) for i in range(20)]


def payloads() -> list[dict[str, Any]]:
    join_wpa2 = {"ssid": "FactoryAP", "security": WPA2_AES, "key": "s3cret-pass", "timeout_s": 30}
    join_open = {"ssid": "Open Bench", "security": OPEN, "key": "", "timeout_s": 1}
    join_utf8 = {"ssid": "Café-Lab", "security": WPA_TKIP, "key": "k" * 64, "timeout_s": 120}
    two = [("FactoryAP", WPA2_AES, 6, -48), ("Guest", OPEN, 11, -71)]
    good_join = join_request("FactoryAP", WPA2_AES, "s3cret-pass", 30)
    return [
        request("join request wpa2", JOIN, good_join, join_wpa2),
        request(
            "join request open, no key, shortest timeout",
            JOIN,
            join_request(**join_open),
            join_open,
        ),
        request(
            "join request utf-8 ssid (9 bytes), 64-byte key, longest timeout",
            JOIN,
            join_request(**join_utf8),
            join_utf8,
        ),
        request(
            "join request 32-byte ssid",
            JOIN,
            join_request("S" * 32, WEP_PSK, "abcde", 10),
            {"ssid": "S" * 32, "security": WEP_PSK, "key": "abcde", "timeout_s": 10},
        ),
        request(
            "led request hold red",
            LED,
            bytes([255, 0, 0, 1]),
            {"r": 255, "g": 0, "b": 0, "hold": 1},
        ),
        request(
            "led request give back", LED, bytes([0, 0, 0, 0]), {"r": 0, "g": 0, "b": 0, "hold": 0}
        ),
        request("ping with a payload", PING, b"\x00", None),
        request("identify with a 1-byte payload", IDENTIFY, b"\x01", None),
        request("scan with a payload", SCAN, b"\x00\x00", None),
        request("led with 3 bytes", LED, bytes([1, 2, 3]), None),
        request("led with 5 bytes", LED, bytes([1, 2, 3, 1, 0]), None),
        request("led hold 2", LED, bytes([1, 2, 3, 2]), None),
        request("join empty payload", JOIN, b"", None),
        request(
            "join ssid_len 33",
            JOIN,
            b"\x21" + b"S" * 33 + struct.pack("<I", WPA2_AES) + text("s3cret-pass") + b"\x1e\x00",
            None,
        ),
        request(
            "join key_len 65",
            JOIN,
            text("FactoryAP") + struct.pack("<I", WPA2_AES) + b"\x41" + b"k" * 65 + b"\x1e\x00",
            None,
        ),
        request(
            "join timeout 0", JOIN, join_request("FactoryAP", WPA2_AES, "s3cret-pass", 0), None
        ),
        request(
            "join timeout 121", JOIN, join_request("FactoryAP", WPA2_AES, "s3cret-pass", 121), None
        ),
        request("join one byte short", JOIN, good_join[:-1], None),
        request("join one byte extra", JOIN, good_join + b"\x00", None),
        request("join ssid_len past the end", JOIN, b"\x20FactoryAP", None),
        reply(
            "ping reply",
            PING | 0x80,
            b"\x00\x01\x00\x04",
            {"status": 0, "version": 1, "max_payload": 1024},
        ),
        reply(
            "identify reply photon",
            IDENTIFY | 0x80,
            identify_reply(PHOTON_IDENTITY),
            PHOTON_IDENTITY,
        ),
        reply(
            "identify reply electron",
            IDENTIFY | 0x80,
            identify_reply(ELECTRON_IDENTITY),
            ELECTRON_IDENTITY,
        ),
        reply("reboot reply", REBOOT | 0x80, b"\x00", {"status": 0}),
        reply("factory reset reply", FACTORY_RESET | 0x80, b"\x00", {"status": 0}),
        reply("factory reset storage failed", FACTORY_RESET | 0x80, b"\x0a", {"status": 10}),
        reply(
            "join reply ok",
            JOIN | 0x80,
            b"\x00" + struct.pack("<h", -52),
            {"status": 0, "rssi": -52},
        ),
        reply("join reply wrong password", JOIN | 0x80, b"\x20", {"status": 32}),
        reply("join reply not found", JOIN | 0x80, b"\x21", {"status": 33}),
        reply("join reply timed out", JOIN | 0x80, b"\x22", {"status": 34}),
        reply("join reply busy", JOIN | 0x80, b"\x07", {"status": 7}),
        reply("join reply unsupported", JOIN | 0x80, b"\x08", {"status": 8}),
        reply(
            "scan reply two networks",
            SCAN | 0x80,
            b"\x00\x02" + b"".join(network(*n) for n in two),
            {
                "status": 0,
                "networks": [network_fields(*n) for n in two],
            },
        ),
        reply("scan reply no networks", SCAN | 0x80, b"\x00\x00", {"status": 0, "networks": []}),
        reply(
            "scan reply twenty networks",
            SCAN | 0x80,
            b"\x00\x14" + b"".join(network(*n) for n in TWENTY),
            {
                "status": 0,
                "networks": [network_fields(*n) for n in TWENTY],
            },
        ),
        reply(
            "rssi reply",
            RSSI | 0x80,
            b"\x00" + struct.pack("<h", -61) + text("FactoryAP"),
            {"status": 0, "rssi": -61, "ssid": "FactoryAP"},
        ),
        reply("rssi reply not connected", RSSI | 0x80, b"\x09", {"status": 9}),
        reply("clear credentials reply", CLEAR | 0x80, b"\x00", {"status": 0}),
        reply("led reply", LED | 0x80, b"\x00", {"status": 0}),
        reply("led reply bad payload", LED | 0x80, b"\x02", {"status": 2}),
        reply(
            "button reply up",
            BUTTON | 0x80,
            b"\x00\x00\x00\x00",
            {"status": 0, "pressed": 0, "presses": 0},
        ),
        reply(
            "button reply down, 258 presses",
            BUTTON | 0x80,
            b"\x00\x01\x02\x01",
            {"status": 0, "pressed": 1, "presses": 258},
        ),
        reply(
            "hello",
            HELLO,
            b"\x00\x01" + bytes.fromhex(DEVICE_ID),
            {"status": 0, "version": 1, "device_id": DEVICE_ID},
        ),
        reply("frame error bad crc", FRAME_ERROR, b"\x03", {"status": 3}),
        reply("unknown command reply", 0x33 | 0x80, b"\x01", {"status": 1}),
    ]


def frame_case(name: str, type_: int, seq: int, payload: bytes) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "seq": seq,
        "payload_hex": payload.hex(),
        "hex": frame(type_, seq, payload).hex(),
    }


def frames() -> list[dict[str, Any]]:
    twenty = b"\x00\x14" + b"".join(network(*n) for n in TWENTY)
    return [
        frame_case("ping request", PING, 1, b""),
        frame_case("ping reply", PING | 0x80, 1, b"\x00\x01\x00\x04"),
        frame_case("identify request", IDENTIFY, 2, b""),
        frame_case(
            "join request",
            JOIN,
            3,
            join_request("FactoryAP", WPA2_AES, "s3cret-pass", 30),
        ),
        frame_case("led request, seq 255", LED, 255, bytes([0, 255, 0, 1])),
        frame_case("hello, seq 0", HELLO, 0, b"\x00\x01" + bytes.fromhex(DEVICE_ID)),
        frame_case("frame error bad crc", FRAME_ERROR, 5, b"\x03"),
        frame_case("frame error truncated, no header read", FRAME_ERROR, 0, b"\x05"),
        frame_case("request at the 256-byte limit (unknown type)", 0x50, 9, bytes(range(256))),
        frame_case("scan reply with twenty networks (over 256)", SCAN | 0x80, 10, twenty),
        frame_case("reply at the 1024-byte limit (unknown type)", 0xB0, 11, bytes(1024)),
    ]


def stream(
    name: str, parts: list[bytes], reads: list[dict[str, Any]], replies: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"name": name, "input_hex": b"".join(parts).hex(), "reads": reads, "replies": replies}


def got(type_: int, seq: int, payload: bytes = b"") -> dict[str, Any]:
    return {"frame": {"type": type_, "seq": seq, "payload_hex": payload.hex()}}


def err(status: str, seq: int) -> dict[str, Any]:
    return {"error": status, "seq": seq}


def answer(type_: int, seq: int, status: str) -> dict[str, Any]:
    return {"type": type_, "seq": seq, "status": status}


def damaged_crc(f: bytes) -> bytes:
    """The frame with its CRC's last byte changed. The reader rescans it from the byte after
    FA; the cases below are chosen so that those bytes hold no LF and no stray FA (checked
    here), hence no text event and no frame but the ones stated."""
    bad = f[:-1] + bytes([f[-1] ^ 0x01])
    rescanned = bad[1:]
    assert b"\n" not in rescanned
    assert rescanned.count(b"\xfa") == rescanned.count(b"\xfa\xce\x01")
    return bad


def streams() -> list[dict[str, Any]]:
    ping2 = frame(PING, 2)
    ok_ping = answer(PING | 0x80, 2, "ok")
    bad_join_33 = b"\x21" + b"S" * 33 + struct.pack("<I", WPA2_AES) + text("pw") + b"\x1e\x00"
    join_t0 = join_request("FactoryAP", WPA2_AES, "s3cret-pass", 0)
    # A header claiming 257 bytes: the reader drops those 7 bytes and hunts on from there.
    over_257 = b"\xfa\xce" + struct.pack("<BBBH", 1, PING, 7, 257)
    over_1025 = b"\xfa\xce" + struct.pack("<BBBH", 1, SCAN, 8, 1025)
    # A bad-CRC frame whose payload hides a whole ping: resync from the byte after FA finds it.
    hidden = frame(0x50, 6, frame(PING, 12))
    return [
        stream("ping", [frame(PING, 1)], [got(PING, 1)], [answer(PING | 0x80, 1, "ok")]),
        stream(
            "log text then a ping",
            [b"[system] booted\r\n", ping2],
            [{"text": "[system] booted"}, got(PING, 2)],
            [ok_ping],
        ),
        stream(
            "text with LF only, CR LF, and a byte over 0x7f",
            [b"AT\n", b"caf\xc3\xa9\r\n", b"\r\n", ping2],
            [{"text": "AT"}, {"text": "caf??"}, {"text": ""}, got(PING, 2)],
            [ok_ping],
        ),
        stream(
            "unknown type 0x33",
            [frame(0x33, 3)],
            [got(0x33, 3)],
            [answer(0xB3, 3, "unknown_command")],
        ),
        stream(
            "bad version 2, then a ping",
            [frame(PING, 4, version=2), ping2],
            [err("bad_version", 4), got(PING, 2)],
            [answer(FRAME_ERROR, 4, "bad_version"), ok_ping],
        ),
        stream(
            "bad version and bad length: version reported",
            [b"\xfa\xce" + struct.pack("<BBBH", 0, PING, 9, 300), ping2],
            [err("bad_version", 9), got(PING, 2)],
            [answer(FRAME_ERROR, 9, "bad_version"), ok_ping],
        ),
        stream(
            "length 257 (over the request limit), then a ping",
            [over_257, ping2],
            [err("bad_length", 7), got(PING, 2)],
            [answer(FRAME_ERROR, 7, "bad_length"), ok_ping],
        ),
        stream(
            "length 1025, then a ping",
            [over_1025, ping2],
            [err("bad_length", 8), got(PING, 2)],
            [answer(FRAME_ERROR, 8, "bad_length"), ok_ping],
        ),
        stream(
            "length 256 at the limit is read",
            [frame(0x50, 9, bytes(256))],
            [got(0x50, 9, bytes(256))],
            [answer(0xD0, 9, "unknown_command")],
        ),
        stream(
            "bad crc",
            [damaged_crc(frame(PING, 5))],
            [err("bad_crc", 5)],
            [answer(FRAME_ERROR, 5, "bad_crc")],
        ),
        stream(
            "bad crc followed by a good ping",
            [damaged_crc(frame(PING, 5)), ping2],
            [err("bad_crc", 5), got(PING, 2)],
            [answer(FRAME_ERROR, 5, "bad_crc"), ok_ping],
        ),
        stream(
            "bad crc, resync from the byte after FA finds a frame inside it",
            [damaged_crc(hidden)],
            [err("bad_crc", 6), got(PING, 12)],
            [answer(FRAME_ERROR, 6, "bad_crc"), answer(PING | 0x80, 12, "ok")],
        ),
        stream(
            "FA followed by a non-CE byte, then a good frame",
            [b"\xfa\x41", ping2],
            [got(PING, 2)],
            [ok_ping],
        ),
        stream(
            "FA FA CE: the second FA starts the frame", [b"\xfa", ping2], [got(PING, 2)], [ok_ping]
        ),
        stream(
            "two frames back to back",
            [frame(PING, 20), frame(IDENTIFY, 21, b"\x01")],
            [got(PING, 20), got(IDENTIFY, 21, b"\x01")],
            [answer(PING | 0x80, 20, "ok"), answer(IDENTIFY | 0x80, 21, "bad_payload")],
        ),
        stream(
            "noise bytes before a frame",
            [b"\x00\x13\xffnoise\x7f\xce", ping2],
            [got(PING, 2)],
            [ok_ping],
        ),
        stream(
            "the preamble's first 3 bytes, then a ping",
            [PREAMBLE[:3], ping2],
            [got(PING, 2)],
            [ok_ping],
        ),
        stream(
            "the preamble again while in test mode, then a ping",
            [PREAMBLE, ping2],
            [got(PING, 2)],
            [answer(HELLO, 0, "ok"), ok_ping],
        ),
        stream(
            "identify with a 1-byte payload",
            [frame(IDENTIFY, 22, b"\x01")],
            [got(IDENTIFY, 22, b"\x01")],
            [answer(IDENTIFY | 0x80, 22, "bad_payload")],
        ),
        stream(
            "led with 3 bytes",
            [frame(LED, 23, b"\x01\x02\x03")],
            [got(LED, 23, b"\x01\x02\x03")],
            [answer(LED | 0x80, 23, "bad_payload")],
        ),
        stream(
            "join with ssid_len 33",
            [frame(JOIN, 24, bad_join_33)],
            [got(JOIN, 24, bad_join_33)],
            [answer(JOIN | 0x80, 24, "bad_payload")],
        ),
        stream(
            "join with timeout 0",
            [frame(JOIN, 25, join_t0)],
            [got(JOIN, 25, join_t0)],
            [answer(JOIN | 0x80, 25, "bad_payload")],
        ),
        stream(
            "seq 0 and seq 255 are echoed",
            [frame(PING, 0), frame(PING, 255)],
            [got(PING, 0), got(PING, 255)],
            [answer(PING | 0x80, 0, "ok"), answer(PING | 0x80, 255, "ok")],
        ),
    ]


def main() -> None:
    out = Path(__file__).with_name("vectors.json")
    doc = {
        "about": "Test-mode frames, payloads and station->device byte streams "
        "(protocol/test-mode.md). frames: encode(version 1, type, seq, payload) == hex. "
        "payloads: kind request (the device parses; fields null = bad_payload) or reply "
        "(the device encodes; status as a number). streams: 'reads' is what a frame reader "
        "with limit 256 makes of input_hex (text events: a run of bytes outside frames ended "
        "by LF, one CR before it dropped, each byte outside 0x20..0x7e read as '?'; a partial "
        "run is dropped when a frame starts); 'replies' is what any device in test mode "
        "answers (status by name). Generated by make_vectors.py.",
        "preamble_hex": PREAMBLE.hex(),
        "statuses": STATUS,
        "frames": frames(),
        "payloads": payloads(),
        "streams": streams(),
    }
    out.write_text(json.dumps(doc, indent=1) + "\n")
    counts = ", ".join(f"{len(doc[k])} {k}" for k in ("frames", "payloads", "streams"))
    print(f"{out}: {counts}")


if __name__ == "__main__":
    main()
