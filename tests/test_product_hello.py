"""The HELLO model against protocol/product-id/vectors.json, which the C++ builder
(firmware/test/test_core/test_product_hello.cpp) replays too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harken.protocol.product_hello import (
    DEVICE_OS_2_FLAGS,
    DEVICE_OS_15_FLAGS,
    Hello,
    HelloError,
    HelloFlag,
    Transport,
    decode_hello,
    encode_hello,
)

VECTORS = json.loads(
    (
        Path(__file__).resolve().parent.parent / "protocol" / "product-id" / "vectors.json"
    ).read_text()
)["cases"]


def hello_of(v: dict[str, Any]) -> Hello:
    return Hello(
        Transport.UDP if v["transport"] == "udp" else Transport.TCP,
        v["product_id"],
        v["product_version"],
        v["flags"],
        v["platform_id"],
        v["message_id"],
        bytes.fromhex(v["device_id"]) if v["device_id"] is not None else None,
    )


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_every_vector_is_built_byte_for_byte(v: dict[str, Any]) -> None:
    assert encode_hello(hello_of(v)).hex() == v["hex"]


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_every_vector_decodes_to_its_fields(v: dict[str, Any]) -> None:
    assert decode_hello(bytes.fromhex(v["hex"])) == hello_of(v)


def test_the_spec_vectors_are_there() -> None:
    spec = {  # spec product-id.md §5.3 ("mm mm" = message id)
        "50021a2bb168ff04d2000300360006",
        "50020000b168ff0006ffff00360006",
        "50020001b168ff0008000300060008",
        "40020000b168ff04d200030036000a000c0123456789abcdef01234567",
    }
    assert spec <= {v["hex"] for v in VECTORS}


def test_flag_sets() -> None:
    assert DEVICE_OS_15_FLAGS == 0x06
    assert DEVICE_OS_2_FLAGS == 0x36
    assert DEVICE_OS_2_FLAGS | HelloFlag.OTA_UPGRADE_SUCCESSFUL == 0x37


@pytest.mark.parametrize(
    "data",
    [
        "50020000b168ff0006ffff003600",  # short
        "50020000b168ff0006ffff0036000600",  # a byte too many
        "50030000b168ff0006ffff00360006",  # not POST
        "50020000b169ff0006ffff00360006",  # Uri-Path not "h"
        "60020000b168ff0006ffff00360006",  # neither NON nor CON
        "40020000b168ff000affff0036000a000b0123456789abcdef012345",  # id length 11
        "40020000b168ff000affff0036000a000c0123456789abcdef01234567ff",  # trailing byte
        "40020000b168ff000affff0036000a000b0123456789abcdef0123456700",  # id length 11 of 12
        "40020000b168ff000affff0036000a",  # UDP without the device id
        "50020000b168ff000affff0036000a000c0123456789abcdef01234567",  # TCP with one
    ],
)
def test_anything_but_one_hello_is_refused(data: str) -> None:
    with pytest.raises(HelloError):
        decode_hello(bytes.fromhex(data))


def test_fields_are_checked() -> None:
    with pytest.raises(HelloError):
        Hello(Transport.TCP, 0x10000, 0, 0x36, 6)
    with pytest.raises(HelloError):
        Hello(Transport.UDP, 1, 0, 0x36, 10)  # no device id
    with pytest.raises(HelloError):
        Hello(Transport.TCP, 1, 0, 0x36, 6, device_id=bytes(12))
    with pytest.raises(HelloError):
        Hello(0x60, 1, 0, 0x36, 6)  # type: ignore[arg-type]
