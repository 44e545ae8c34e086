"""Blind mutations of a byte string, for framing that should survive anything."""

from __future__ import annotations

import random

INTERESTING = (
    b"\x00",
    b"\xff",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\x7f",
    b"\x08",
    b"%s%n",
    b"\xc3\x28",  # invalid UTF-8
    b"\xef\xbb\xbf",  # BOM
    b"-1",
    b"4294967296",
    b"99999999999999999999",
)


def mutate_bytes(rng: random.Random, data: bytes, rounds: int = 1) -> bytes:
    """``data`` after ``rounds`` random edits: bit flips, byte sets, inserts, deletes,
    duplicated or truncated runs."""
    buf = bytearray(data)
    for _ in range(rounds):
        op = rng.randrange(7)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op == 2:
            buf[at:at] = rng.choice(INTERESTING)
        elif op == 3 and buf:
            end = min(len(buf), at + rng.randint(1, 16))
            del buf[at:end]
        elif op == 4 and buf:
            start = rng.randrange(len(buf))
            run = buf[start : start + rng.randint(1, 32)]
            buf[at:at] = run * rng.randint(1, 8)
        elif op == 5:
            del buf[at:]
        else:
            buf[at:at] = rng.randbytes(rng.randint(1, 24))
    return bytes(buf)


def random_splits(rng: random.Random, length: int, most: int = 4) -> tuple[int, ...]:
    """Up to ``most`` cut points inside ``length`` bytes (partial sends)."""
    if length < 2:
        return ()
    return tuple(sorted(rng.randrange(1, length) for _ in range(rng.randint(1, most))))
