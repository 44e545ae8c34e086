"""YMODEM cases: sessions into the listening-mode receiver (ymodem.md) built with the
sender's frame builders, then mutated packet by packet: sequence numbers, complements,
lengths, CRCs, control bytes, duplicated, dropped and swapped packets, hostile headers."""

from __future__ import annotations

import random

from harken.flash.ymodem_sender import (
    CA,
    EOT,
    SOH,
    STX,
    data_blocks,
    end_of_batch_block,
    frame,
)
from harken.fuzz.byte_mutations import mutate_bytes, random_splits
from harken.fuzz.case import FuzzCase, Message, case_random_seed

HOSTILE_NAMES = (
    b"", b"a" * 255, b"b" * 256, b"c" * 300, b"../../dct.bin", b"%s%n", b"\xff\xfe",
    "fïrmwäre😀.bin".encode(), b"name with spaces", b"\r\n\x1b[2J", b"x",
)  # fmt: skip
HOSTILE_SIZES = (
    b"0", b"1", b"-1", b"+12", b"  7", b"393216", b"393217", b"4294967295", b"4294967296",
    b"99999999999999999999", b"abc", b"12abc", b"1e3", b"", b"0x100", b"\t\n300",
)  # fmt: skip
CONTROL_BYTES = (bytes([EOT]), bytes([CA]), bytes([CA, CA]), b" ", b"A", b"a", b"\x00", b"C")


def header_body(name: bytes, size: bytes, extra: bytes = b" ") -> bytes:
    """Block 0's body without the sender's checks (any name, any size text)."""
    body = name + b"\0" + size + extra
    return (body + bytes(128 - len(body) % 128 if len(body) % 128 else 0))[:1024]


def packet(seq: int, body: bytes, crc: bool) -> bytes:
    """A packet for a 128- or 1024-byte body; any other body gets an SOH and its own
    length (a packet of the wrong size)."""
    if len(body) in (128, 1024):
        return frame(seq, body, with_crc=crc)
    return bytes([SOH, seq & 0xFF, 0xFF - (seq & 0xFF)]) + body + b"\0\0"


class YmodemCases:
    """Generates YMODEM sessions from a seed."""

    target = "ymodem"

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def case(self, index: int) -> FuzzCase:
        rng = random.Random(case_random_seed(self.seed, index))
        packets, note = self.session(rng)
        packets = self.mutate(rng, packets)
        if rng.random() < 0.3:
            data = b"".join(packets)
            splits = random_splits(rng, len(data), 8) if rng.random() < 0.5 else ()
            messages = (Message("console", data, splits, rng.choice((0, 1, 5)),
                                note=note + ", one burst"),)  # fmt: skip
        else:
            messages = tuple(Message("console", p, note=note) for p in packets if p)
        return FuzzCase(self.target, self.seed, index, messages)

    def session(self, rng: random.Random) -> tuple[list[bytes], str]:
        crc = rng.random() < 0.5
        size = rng.choice((1, 100, 128, 129, 300, 1024, 2000))
        data = rng.randbytes(size)
        if rng.random() < 0.6:
            name, size_text, note = b"fuzz.bin", str(size).encode(), "session"
        else:
            name, size_text = rng.choice(HOSTILE_NAMES), rng.choice(HOSTILE_SIZES)
            note = "session, hostile header"
        start = [b"f"] if rng.random() < 0.6 else []
        mode = "strict" if crc else "particle"
        blocks = [frame(seq, body, with_crc=crc)
                  for seq, (_, body) in enumerate(data_blocks(data, mode), start=1)]  # fmt: skip
        packets = [
            *start,
            packet(0, header_body(name, size_text, b" " if rng.random() < 0.8 else b""), crc),
            *blocks,
            bytes([EOT]),
            frame(0, end_of_batch_block(mode), with_crc=crc),
        ]
        return packets, note

    def mutate(self, rng: random.Random, packets: list[bytes]) -> list[bytes]:
        for _ in range(rng.choice((0, 1, 1, 2, 3, 5))):
            if not packets:
                break
            # Index 0 stays: before the session starts, the bytes would be the console's.
            i = rng.randrange(1, len(packets)) if len(packets) > 1 else 0
            raw = bytearray(packets[i])
            op = rng.randrange(11)
            if op == 0 and len(raw) > 3:
                raw[1] = rng.randrange(256)  # sequence number
            elif op == 1 and len(raw) > 3:
                raw[2] ^= rng.randrange(1, 256)  # complement
            elif op == 2 and len(raw) > 3:
                raw[-2:] = rng.randbytes(2)  # CRC
            elif op == 3:
                del raw[rng.randrange(len(raw) + 1) :]  # truncated
            elif op == 4 and raw[:1] in (bytes([SOH]), bytes([STX])):
                raw[0] = STX if raw[0] == SOH else SOH  # wrong length for its start byte
            elif op == 5:
                packets.insert(i, packets[i])  # duplicated
                continue
            elif op == 6:
                del packets[i]  # dropped
                continue
            elif op == 7 and i + 1 < len(packets):
                packets[i], packets[i + 1] = packets[i + 1], packets[i]  # swapped
                continue
            elif op == 8:
                packets.insert(i, rng.choice(CONTROL_BYTES))
                continue
            elif op == 9:
                raw = bytearray(mutate_bytes(rng, bytes(raw), rng.randint(1, 4)))
            else:
                packets.insert(i, rng.randbytes(rng.randint(1, 40)))
                continue
            packets[i] = bytes(raw)
        return packets
