"""Serial console cases: command bytes, the ``C`` and ``w`` dialogues with hostile answers,
line-ending variants, answers sent ahead of their prompts, and bursts (serial-console.md)."""

from __future__ import annotations

import random

from harken.fuzz.byte_mutations import mutate_bytes, random_splits
from harken.fuzz.case import FuzzCase, Message, case_random_seed

SAFE_COMMANDS = b"imcvsdj"
"""Commands that leave the device listening and its configuration alone."""
LEAVING_COMMANDS = b"xL"
"""``x`` leaves listening mode, ``L`` resets into safe mode: the liveness check brings the
device back with the 28800-baud trick."""
LINE_ENDS = (b"\n", b"\r", b"\r\n", b"\n\r", b"", b"\n\n", b"\r\r\n")
YMODEM_STARTS = b"\x01\x02f"
"""Bytes that hand the console to the YMODEM receiver (the ymodem target's business)."""
PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"
PEM_END = b"-----END CERTIFICATE-----"


def hostile_line(rng: random.Random, limit: int) -> bytes:
    """An answer around ``limit`` bytes with hostile content (no line end)."""
    pick = rng.randrange(9)
    if pick == 0:
        return b""
    if pick == 1:
        return b"a" * rng.choice((limit - 1, limit, limit + 1, limit * 2, 300))
    if pick == 2:
        return rng.randbytes(rng.randint(1, limit + 8))
    if pick == 3:
        return b"abc" + b"\x08" * rng.randint(1, 10) + b"\x7f" * rng.randint(0, 5) + b"z"
    if pick == 4:
        return b"\x08\x7f" * rng.randint(1, 40)
    if pick == 5:
        return "é😀\u202e".encode() * rng.randint(1, 12)
    if pick == 6:
        return b"%s%n\x00\x1b[2J" + b"\x00" * rng.randint(0, 64)
    if pick == 7:
        return bytes(rng.choice(b"0123456789abcdef") for _ in range(limit))
    return bytes(rng.randrange(0x20, 0x7F) for _ in range(rng.randint(1, limit)))


def pem_block(rng: random.Random) -> bytes:
    body = b"\n".join(rng.choice((b"QUJD" * 16, b"!!!!", b"", b"A" * 2000)) for _ in range(4))
    block = PEM_BEGIN + b"\n" + body + b"\n" + PEM_END + b"\n"
    return mutate_bytes(rng, block, rng.randint(0, 3)) + b"\n"


class ConsoleCases:
    """Generates serial console cases from a seed. ``leaving``: also send ``x`` and ``L``."""

    target = "serial"

    def __init__(self, seed: int, *, leaving: bool = True) -> None:
        self.seed = seed
        self.leaving = leaving

    def case(self, index: int) -> FuzzCase:
        rng = random.Random(case_random_seed(self.seed, index))
        messages: list[Message] = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            messages += self.messages(rng)
        return FuzzCase(self.target, self.seed, index, tuple(messages))

    def messages(self, rng: random.Random) -> list[Message]:
        """One step: a dialogue is one message per answer (each sent once the device has
        answered the last), or all answers in one write, ahead of their prompts."""
        pick = rng.randrange(10)
        if pick < 2:
            parts, note = [self.commands(rng)], "command bytes"
        elif pick < 4:
            parts, note = self.claim_dialogue(rng), "C dialogue"
        elif pick < 7:
            parts, note = self.wifi_dialogue(rng), "w dialogue"
        elif pick == 7:
            parts, note = [self.burst(rng)], "burst"
        elif pick == 8:
            noise = rng.randbytes(rng.randint(1, 200))
            parts, note = [bytes(b for b in noise if b not in YMODEM_STARTS)], "garbage"
        else:
            base = self.claim_dialogue(rng) if rng.random() < 0.5 else self.wifi_dialogue(rng)
            parts = [mutate_bytes(rng, p, rng.randint(0, 3)) for p in base]
            note = "mutated dialogue"
        if len(parts) > 1 and rng.random() < 0.2:
            data = b"".join(parts)
            return [
                Message("console", data, random_splits(rng, len(data), 6),
                        rng.choice((0, 1, 3)), note=note + ", answers ahead")
            ]  # fmt: skip
        return [Message("console", p, note=note) for p in parts if p]

    def commands(self, rng: random.Random) -> bytes:
        alphabet = SAFE_COMMANDS + (
            LEAVING_COMMANDS if self.leaving and rng.random() < 0.1 else b""
        )
        return bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))

    def burst(self, rng: random.Random) -> bytes:
        return bytes([rng.choice(SAFE_COMMANDS)]) * rng.choice((16, 64, 200))

    def answer(self, rng: random.Random, limit: int, valid: bytes | None = None) -> bytes:
        text = valid if valid is not None and rng.random() < 0.5 else hostile_line(rng, limit)
        return text + rng.choice(LINE_ENDS)

    def claim_dialogue(self, rng: random.Random) -> list[bytes]:
        code = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(63))
        return [b"C", self.answer(rng, 63, code)]

    def wifi_dialogue(self, rng: random.Random) -> list[bytes]:
        parts = [b"w", self.answer(rng, 32, rng.choice((b"FuzzNet", b"FuzzOpen", b"Nowhere")))]
        security = rng.choice(b"0123456789x")
        parts.append(bytes([security]) + rng.choice(LINE_ENDS))
        parts.append(self.answer(rng, 1, bytes([rng.choice(b"1234")])))
        if security in b"45":
            eap = rng.choice(b"01x")
            parts.append(bytes([eap]) + b"\n")
            if eap == ord("1"):
                parts += [pem_block(rng), pem_block(rng)]
            else:
                parts += [self.answer(rng, 64, b"user"), self.answer(rng, 64, b"pass")]
            parts += [self.answer(rng, 64, b""), pem_block(rng) if rng.random() < 0.5 else b"\n"]
        else:
            parts.append(self.answer(rng, 64, b"x" * rng.choice((4, 8, 13, 64))))
        return parts[: rng.randint(2, len(parts))]
