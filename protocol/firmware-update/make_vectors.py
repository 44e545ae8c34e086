"""Writes vectors.json: small synthetic module images and what a harken device must answer
when each arrives as a firmware update (protocol/firmware-update.md). The expected codes are
stated here by hand, case by case; the C++ core (firmware/test/test_core/
test_update_vectors.cpp) and the host model (tests/test_update_vectors.py) are both checked
against them. Run: .venv/bin/python protocol/firmware-update/make_vectors.py
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from harken.protocol.module_binary import seal_module

PHOTON, ELECTRON = 6, 10
BOARD, QEMU = 0x08020000, 0x08000000
MONO, SYSTEM, USER = 3, 4, 5
VALID_BITS = 0x3E  # integrity, dependencies, range, platform, product


def module(
    *,
    start: int = BOARD,
    platform: int = PHOTON,
    function: int = MONO,
    index: int = 0,
    deps: tuple[tuple[int, int, int], ...] = (),
    product: tuple[int, int] = (PHOTON, 0xFFFF),
    flags: int = 0,
    vector_table: bool = True,
    body: int = 64,
) -> bytearray:
    """A sealed module: optional vector table, prefix, `body` bytes, product data, suffix, CRC."""
    head = bytearray(0x184) if vector_table else bytearray()
    if vector_table:
        head[0:8] = struct.pack("<II", 0x20020000, start + 0x1C1)  # stack pointer, reset
    prefix_at = len(head)
    length = prefix_at + 24 + body + 4 + 36
    pairs = [*deps, (0, 0, 0), (0, 0, 0)][:2]
    prefix = struct.pack(
        "<IIBBHHBB", start, start + length, 0, flags, 2302, platform, function, index
    ) + b"".join(struct.pack("<BBH", *d) for d in pairs)
    payload = bytes((i * 7 + 3) & 0xFF for i in range(body))
    tail = struct.pack("<HH", *product) + struct.pack("<H32sH", 0, bytes(32), 40)
    return bytearray(seal_module(bytes(head + prefix + payload + tail + bytes(4))))


def target(**overrides: Any) -> dict[str, Any]:
    base = {
        "platform_id": PHOTON,
        "slot_start": BOARD,
        "slot_size": 0x60000,
        "product_id": PHOTON,
        "installed": [MONO, 0, 2302],
    }
    return base | overrides


def case(
    name: str,
    image: bytes,
    code: int,
    passed: int,
    tgt: dict[str, Any] | None = None,
    length: int | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "target": tgt or target(),
        "image": bytes(image).hex(),
        "expect": {
            "code": code,
            "checked": 0 if code == -1300 else VALID_BITS,
            "passed": passed,
            "length": 0 if code == -1300 else (len(image) if length is None else length),
        },
    }


def flipped(image: bytearray, at: int) -> bytearray:
    image = bytearray(image)
    image[at] ^= 0x10
    return image


def cases() -> list[dict[str, Any]]:
    good = module()
    n = len(good)
    user = module(start=0x080A0000, function=USER, index=1, deps=((SYSTEM, 2, 207),))
    return [
        case("a harken board image for the photon", good, 0, VALID_BITS),
        case(
            "the same, YMODEM padding after it",
            good + bytes(128 - n % 128),
            0,
            VALID_BITS,
            length=n,
        ),
        case("no vector table: the prefix at +0", module(vector_table=False), 0, VALID_BITS),
        case("one bit flipped in the code", flipped(good, 0x184 + 30), -1330, VALID_BITS & ~0x02),
        case("the stored CRC damaged", flipped(good, n - 1), -1330, VALID_BITS & ~0x02),
        case(
            "built for the electron",
            module(platform=ELECTRON, product=(ELECTRON, 0xFFFF)),
            -1360,
            VALID_BITS & ~0x10,
        ),
        case(
            "a QEMU image (linked at 0x08000000) sent to a board",
            module(start=QEMU),
            -1350,
            VALID_BITS & ~0x08,
        ),
        case(
            "a Particle user part (needs system parts harken does not have)",
            user,
            -1350,
            VALID_BITS & ~0x08,
        ),
        case(
            "a system part whose dependency is not installed",
            module(start=0x08060000, function=SYSTEM, index=2, deps=((SYSTEM, 1, 2302),)),
            -1340,
            VALID_BITS & ~0x04 & ~0x08,
        ),
        case(
            "depends on a newer harken than the one installed",
            module(deps=((MONO, 0, 2400),)),
            -1340,
            VALID_BITS & ~0x04,
        ),
        case(
            "depends on the installed harken or older",
            module(deps=((MONO, 0, 2302),)),
            0,
            VALID_BITS,
        ),
        case(
            "for product 1234, device in product 4321",
            module(product=(1234, 3)),
            -1320,
            VALID_BITS & ~0x20,
            target(product_id=4321),
        ),
        case("for product 1234, device in no product", module(product=(1234, 3)), 0, VALID_BITS),
        case(
            "for product 1234, device in product 1234",
            module(product=(1234, 4)),
            0,
            VALID_BITS,
            target(product_id=1234),
        ),
        case(
            "no product data (0xFFFF), device in product 4321",
            module(product=(0xFFFF, 0xFFFF)),
            0,
            VALID_BITS,
            target(product_id=4321),
        ),
        case("larger than the slot", good, -1350, VALID_BITS & ~0x08, target(slot_size=512)),
        case(
            "wrong platform and bad CRC: integrity reported first",
            flipped(module(platform=ELECTRON), 0x184 + 30),
            -1330,
            VALID_BITS & ~0x02 & ~0x10,
        ),
        case(
            "wrong platform and wrong slot: range reported first",
            module(platform=ELECTRON, start=QEMU),
            -1350,
            VALID_BITS & ~0x08 & ~0x10,
        ),
        case("a combined module (not installable on Gen 2)", module(flags=0x04), -1310, VALID_BITS),
        case(
            "a QEMU image sent to a QEMU device",
            module(start=QEMU),
            0,
            VALID_BITS,
            target(slot_start=QEMU),
        ),
        case("cut 100 bytes short", good[:-100], -1300, 0),
        case("three bytes", good[:3], -1300, 0),
        case(
            "a prefix whose end is before its start",
            good[:0x184] + struct.pack("<II", BOARD + 64, BOARD) + good[0x18C:],
            -1300,
            0,
        ),
    ]


def main() -> None:
    out = Path(__file__).with_name("vectors.json")
    doc = {
        "about": "Firmware images a harken device receives over YMODEM and its verdict: 0 "
        "(staged) or Device OS's system error code; checked/passed are the validity bits "
        "(integrity 0x02, dependencies 0x04, range 0x08, platform 0x10, product 0x20). "
        "Generated by make_vectors.py; see protocol/firmware-update.md.",
        "cases": cases(),
    }
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{out}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
