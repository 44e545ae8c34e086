"""Seed corpora for the libFuzzer harnesses, extracted from the golden vectors in protocol/.

Each harness reads its input in its own framing (the comment at the top of every
firmware/fuzz/harness_*.cpp); this script writes every vector in that framing, so the
fuzzers start from real exchanges instead of from nothing. Nothing it writes is committed.

    python firmware/fuzz/make_seeds.py OUT_DIR      # OUT_DIR/<harness>/<n>
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "protocol"

# run_softap_command's numbering (core::SoftApCommand)
COMMANDS = {
    "version": 1, "device-id": 2, "scan-ap": 3, "configure-ap": 4, "connect-ap": 5,
    "public-key": 6, "set": 7, "connect-status": 8, "ant-internal": 9, "ant-external": 10,
}  # fmt: skip
PLATFORM = {"photon": 0, "p1": 1, "electron": 2}


def load(name: str) -> dict:
    return json.loads((PROTOCOL / name).read_text())


def latin1(text: str) -> bytes:
    return text.encode("latin-1")


def tcp_parts(request: bytes) -> tuple[str, bytes]:
    """The command name and body of a simple-protocol request."""
    name, _, rest = request.partition(b"\n")
    _, _, body = rest.partition(b"\n\n")
    return name.decode("latin-1"), body


def chunks(data: bytes, size: int) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


def softap_seeds() -> dict[str, list[bytes]]:
    cases = load("softap/vectors.json")["cases"]
    out: dict[str, list[bytes]] = {
        "softap_request": [], "http_request": [], "softap_commands": [], "flat_json": [],
        "softap_server": [],
    }  # fmt: skip
    for case in cases:
        request = latin1(case["request"])
        tcp = case["transport"] == "tcp"
        # 0x3F: the whole stream in one segment
        out["softap_request" if tcp else "http_request"].append(b"\x3f" + request)
        if tcp:
            name, body = tcp_parts(request)
            if name in COMMANDS:
                out["softap_commands"].append(bytes([COMMANDS[name]]) + body)
            if body.startswith(b"{"):
                out["flat_json"].append(bytes([1 if name == "set" else 0]) + body)
        # softap_server: connect, send in <=256-byte records, run the loop 5 times
        stream = bytearray([0, 0 if tcp else 1])
        for part in chunks(request, 256):
            stream += bytes([0x20, len(part) - 1]) + part
        stream += b"\xe4"
        out["softap_server"].append(bytes(stream))
    # every exchange of the vectors on one device, in order, one connection each
    stream = bytearray([0])
    for i, case in enumerate(cases[:8]):
        stream.append(0 if case["transport"] == "tcp" else 1)
        for part in chunks(latin1(case["request"]), 256):
            stream += bytes([0x20 | i, len(part) - 1]) + part
        stream += b"\xe1"
    out["softap_server"].append(bytes(stream))
    return out


def device_key_seeds() -> list[bytes]:
    crypto = load("softap/crypto-vectors.json")
    seeds = []
    for group in ("decrypt", "decrypt_rejected", "decrypt_implicit"):
        seeds += [b"\x00" + c["pwd"].encode() for c in crypto[group]]
    for case in [crypto["eap_tls"], *crypto["eap_tls_rejected"]]:
        ek = case["ek"].encode()
        if len(ek) == 256:
            seeds.append(b"\x02" + ek + case["key"].encode())
        else:  # mode 0x0A: ek's length comes from the input
            seeds.append(b"\x0a" + bytes([len(ek) & 0xFF]) + ek + case["key"].encode())
    der = bytes.fromhex(crypto["private_key_der"])
    seeds.append(b"\x03" + der)
    seeds.append(b"\x04" + struct.pack("<H", 11) + der[11:40])
    body = base64.encodebytes(der).decode()
    seeds.append(b"\x05-----BEGIN RSA PRIVATE KEY-----\n" + body.encode() +
                 b"-----END RSA PRIVATE KEY-----\n")  # fmt: skip
    return seeds


def console_seeds() -> list[bytes]:
    vectors = load("serial-console/vectors.json")
    seeds = []
    for case in vectors["cases"]:
        platform = vectors["identities"][case["identity"]]["platform"]
        stream = bytearray([PLATFORM[platform]])
        for exchange in case["exchanges"]:
            for b in latin1(exchange["send"]):
                stream += bytes([0xFF, b]) if b >= 0xF0 else bytes([b])
            stream.append(0xF1)  # a loop pass, 250 ms on
        seeds.append(bytes(stream))
    return seeds


def wait_byte(ms: int) -> int:
    return ms // 10 if ms < 2000 else min(255, 200 + ms // 1000)


def ymodem_seeds() -> list[bytes]:
    entries = {"f": 0, "peek": 1}
    seeds = []
    for case in load("ymodem/vectors.json")["cases"]:
        sink = case["sink"]
        setup = entries.get(case["entry"], 0)
        setup |= 0 if sink["begin"] else 0x10
        setup |= 0x20 if sink["finish"] else 0
        stream = bytearray([setup])
        if sink["fail_write_at"] is not None:
            stream[0] |= 0x40
            stream.append(sink["fail_write_at"] // 128)
        for step in case["steps"]:
            host = bytes.fromhex(step["host"])
            wait = wait_byte(step["advance_ms"])
            for part in chunks(host, 255) if host else [b""]:
                stream += bytes([wait, len(part)]) + part
                wait = 0
        seeds.append(bytes(stream))
    # The update vectors' images sent whole, into the real staging (setup 0x80)
    for case in load("firmware-update/vectors.json")["cases"][:3]:
        image = bytes.fromhex(case["image"])
        header = b"image.bin\x00" + str(len(image)).encode() + b" "
        packets = [block(0, header)]
        packets += [block(i + 1, part) for i, part in enumerate(chunks(image, 128))]
        packets += [b"\x04", b"\x04", block(0, b"")]
        stream = bytearray([0x80])
        for p in packets:
            for part in chunks(p, 255):
                stream += bytes([0, len(part)]) + part
        seeds.append(bytes(stream))
    return seeds


def block(seq: int, payload: bytes) -> bytes:
    """A 128-byte YMODEM block with particle-cli's 00 00 CRC."""
    return bytes([0x01, seq & 0xFF, 0xFF - (seq & 0xFF)]) + payload.ljust(128, b"\0") + b"\0\0"


def update_seeds() -> tuple[list[bytes], list[bytes]]:
    modules, staging = [], []
    for case in load("firmware-update/vectors.json")["cases"]:
        t = case["target"]
        image = bytes.fromhex(case["image"])
        installed = bytearray(24)
        function, index, version = t["installed"]
        struct.pack_into("<HHBB", installed, 10, version, t["platform_id"], function, index)
        flags = 0x40 | 0x80 | 0x04 | 0x08
        target = struct.pack("<HIIH", t["platform_id"], t["slot_start"], t["slot_size"],
                             t["product_id"])  # fmt: skip
        modules.append(bytes([flags]) + bytes(installed) + target + b"\x00" + image)
        # update_staging: begin(size), 1024-byte writes, finish(size)
        ops = bytearray([0]) + bytes([0]) + struct.pack("<H", len(image))
        for i, part in enumerate(chunks(image, 1024)):
            ops += bytes([1 | 8]) + struct.pack("<H", i * 1024) + part.ljust(1024, b"\0")
        ops += b"\x02"
        staging.append(bytes(ops))
    return modules, staging


def bench_seeds() -> list[bytes]:
    fixture = load("fixture/vectors.json")
    seeds = [latin1(c["line"]) for c in fixture["commands"]]
    seeds += [b"NET ADD HomeNet wpa2_aes hunter2-secret 6 -48", b"BEHAVE timeout", b"\x7f42"]
    return seeds


def bridge_seeds() -> list[bytes]:
    vectors = load("qemu-bridge/vectors.json")
    seeds = []
    streams = [bytes.fromhex(f["hex"]) for f in vectors["frames"]]
    streams += [bytes.fromhex(s["input_hex"]) for s in vectors["streams"]]
    for data in streams:
        stream = bytearray([1])  # start the link
        for part in chunks(data, 256):
            stream += bytes([0x40, len(part) - 1]) + part
        # poll, accept, receive up to 64 bytes on connection 0, send "ok", close
        stream += b"\xc2\x80\x94\x40\x00\xa4\x02\x00ok\xb4\xc2"
        seeds.append(bytes(stream))
    return seeds


def config_seeds() -> list[bytes]:
    return [
        b"\x00",
        b"\x01\x00" + struct.pack("<H", 7548 + 1762) + b"\x08claimcod",  # content, resealed
        b"\x03\x02\x05",  # sector 1 newer by a few
        b"\x80\x01\x00\x10\x00\x03abc\x07",  # torn CRC, power cut after 7 operations
    ]


def test_mode_frame(type_: int, seq: int, payload: bytes) -> bytes:
    """A test-mode frame (protocol/test-mode.md)."""
    body = struct.pack("<BBBH", 1, type_, seq, len(payload)) + payload
    return b"\xfa\xce" + body + struct.pack("<I", zlib.crc32(body))


def escaped(data: bytes) -> bytes:
    """harness_test_mode's framing: bytes F0 and up are its operations, so FF x sends x."""
    return b"".join(bytes([0xFF, b]) if b >= 0xF0 else bytes([b]) for b in data)


def test_mode_seeds() -> list[bytes]:
    vectors = load("test-mode/vectors.json")
    seeds = []
    # setup 0x00: a Photon, pads of their own, preamble sent first; F1: a pass 25 ms on
    for stream in vectors["streams"]:
        seeds.append(b"\x00" + escaped(bytes.fromhex(stream["input_hex"])) + b"\xf1")
    requests = [bytes.fromhex(f["hex"]) for f in vectors["frames"] if f["type"] < 0x80]
    requests += [
        test_mode_frame(p["type"], 40 + i, bytes.fromhex(p["payload_hex"]))
        for i, p in enumerate(vectors["payloads"])
        if p["kind"] == "request"
    ]
    for setup in (0x00, 0x02, 0x04, 0x08):  # Photon, Electron, shared pads, wrong password
        seeds.append(bytes([setup]) + b"".join(escaped(r) + b"\xf1" for r in requests) + b"\xfc")
    # A FACTORY_RESET whose commit loses power, then one that succeeds
    reset = escaped(test_mode_frame(3, 1, b""))
    seeds.append(b"\x00\xfd\x40" + reset + b"\xf1\xfe" + reset + b"\xf3")
    return seeds


def all_seeds() -> dict[str, list[bytes]]:
    seeds = softap_seeds()
    seeds["device_key"] = device_key_seeds()
    seeds["console"] = console_seeds()
    seeds["ymodem"] = ymodem_seeds()
    seeds["check_module"], seeds["update_staging"] = update_seeds()
    seeds["bench_lines"] = bench_seeds()
    seeds["bridge"] = bridge_seeds()
    seeds["config_store"] = config_seeds()
    seeds["test_mode"] = test_mode_seeds()
    return seeds


def write_seeds(out: Path) -> dict[str, int]:
    """Writes OUT/<harness>/<sha1> (libFuzzer's naming); returns the count per harness."""
    counts = {}
    for harness, seeds in all_seeds().items():
        folder = out / harness
        folder.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        counts[harness] = len(seeds)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    for harness, n in sorted(write_seeds(args.out).items()):
        print(f"{harness}: {n} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
