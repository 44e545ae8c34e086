"""JSON request bodies for the SoftAP commands: well-formed ones with hostile members, and
text that is barely JSON. Built as text, because duplicate keys, raw control characters and
invalid numbers are exactly what a JSON library refuses to write."""

from __future__ import annotations

import json
import random

CONFIGURE_KEYS = ("idx", "ssid", "pwd", "ch", "sec", "eap", "oi", "ii", "ca", "crt", "ek", "key")
SET_KEYS = ("k", "v")
STRING_KEYS = frozenset({"ssid", "pwd", "oi", "ii", "ca", "crt", "ek", "key", "k", "v"})

NUMBERS = (
    "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296",
    "18446744073709551616", "1e308", "-1e308", "1e-400", "4194310.0", "0.5", "-0", "00012",
    "0x10", "1e", "-", "+1", ".5", "NaN", "Infinity", "99999999999999999999999999999",
)  # fmt: skip
LITERALS = ("true", "false", "null", "tru", "nul", "TRUE")


def long_text(rng: random.Random) -> str:
    return rng.choice("aZ9-_ ") * rng.choice((33, 63, 64, 65, 128, 255, 256, 1024, 4096, 9000))


def hostile_string(rng: random.Random) -> str:
    """The inside of a JSON string literal (already escaped or deliberately not)."""
    pick = rng.randrange(12)
    if pick == 0:
        return ""
    if pick == 1:
        return long_text(rng)
    if pick == 2:
        return "\\" + rng.choice('"\\/bfnrtu') + rng.choice(("", "00", "d83d", "zz"))
    if pick == 3:
        return "\\u" + rng.choice(("0000", "d800", "dfff", "ffff", "12", "zzzz"))
    if pick == 4:
        return "".join(chr(rng.randrange(1, 32)) for _ in range(rng.randint(1, 8)))
    if pick == 5:
        return rng.choice(("\u00e9t\u00e9", "\U0001f600", "\ufffd", "\u202e")) * rng.randint(1, 20)
    if pick == 6:
        return rng.choice(("%s%s%n", "../../etc", "'; --", "<script>", "\\"))
    if pick == 7:
        return "".join(rng.choice("0123456789abcdefABCDEFgx ") for _ in range(rng.randint(0, 300)))
    if pick == 8:
        return "-----BEGIN CERTIFICATE-----\\n" + "QUJD" * rng.randint(0, 200) + "\\n-----END"
    return "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randint(1, 40))).replace(
        '"', ""
    )


def hostile_value(rng: random.Random, depth: int = 0) -> str:
    """One JSON value as text: a wrong type, an edge number, a deep or huge structure."""
    pick = rng.randrange(10)
    if pick < 3:
        return '"' + hostile_string(rng) + '"'
    if pick < 5:
        return rng.choice(NUMBERS)
    if pick == 5:
        return rng.choice(LITERALS)
    if pick == 6 and depth < 3:
        return "[" + ",".join(hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 4))) + "]"
    if pick == 7 and depth < 3:
        return hostile_object(rng, CONFIGURE_KEYS, depth + 1)
    if pick == 8:
        n = rng.choice((16, 64, 256, 2000))
        return "[" * n + "]" * rng.choice((n, 0, n - 1))
    return '{"a":' * (n := rng.choice((8, 100, 1000))) + "1" + "}" * n


def hostile_object(rng: random.Random, keys: tuple[str, ...], depth: int = 0) -> str:
    """An object over ``keys`` (plus unknown and duplicate keys) with hostile values."""
    members = []
    for _ in range(rng.randint(0, 6)):
        roll = rng.randrange(10)
        if roll == 0:
            key = rng.choice(("", "x", "SSID", "ssid ", "k\u0000", "cc", "idx" * 40))
        else:
            key = rng.choice(keys)
        value = hostile_value(rng, depth) if rng.random() < 0.6 else plausible_value(rng, key)
        members.append(f"{json.dumps(key)}:{value}")
    if members and rng.random() < 0.2:
        members.append(rng.choice(members))  # a duplicate key
    return "{" + ",".join(members) + "}"


def plausible_value(rng: random.Random, key: str) -> str:
    """A value of the right kind for ``key``."""
    if key in STRING_KEYS:
        text = "".join(rng.choice("abcdefXYZ0123456789-_") for _ in range(rng.randint(1, 40)))
        return '"' + text + '"'
    return str(rng.choice((0, 1, 3, 6, 11, 13, 25, 4194308, 2097156, 0x00400004, -1)))


def broken_json(rng: random.Random, text: str) -> str:
    """``text`` made not quite JSON: cut, unbalanced, trailing junk, or comments."""
    pick = rng.randrange(6)
    if pick == 0 and text:
        return text[: rng.randrange(len(text))]
    if pick == 1:
        return text + rng.choice(("}", ",", "]", " garbage", "\x00", "{}"))
    if pick == 2:
        return text.replace(":", "", 1)
    if pick == 3:
        return text.replace('"', "'")
    if pick == 4:
        return "/*c*/" + text
    return text.replace(",", ",,", 1) if "," in text else "{," + text[1:]
