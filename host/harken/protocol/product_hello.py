"""The HELLO a Gen 2 device sends first on a cloud session (protocol/product-id.md; spec
product-id.md §5): product id, product firmware version, flags and platform, exact to the byte.

Message (CoAP plaintext, payload integers big-endian)::

    0   0x50 (TCP, NON) / 0x40 (UDP, CON)   CoAP version 1, no token
    1   0x02                                POST
    2   message id        u16 BE
    4   0xB1 'h'                            Uri-Path "h"
    6   0xFF                                payload marker
    7   product id        u16 BE
    9   product version   u16 BE
    11  flags             u16 BE            0x36 Device OS 2.x, 0x06 1.5.x, +0x01 after an OTA
    13  platform id       u16 BE
    15  0x000C + 12-byte device id          UDP only

:data:`HELLO` is the construct model (parse and build); :func:`encode_hello` and
:func:`decode_hello` convert to and from :class:`Hello`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag

from construct import (
    Const,
    ConstructError,
    GreedyBytes,
    Int8ub,
    Int16ub,
    Optional,
    Prefixed,
    Struct,
    Terminated,
)

from harken.errors import HarkenError

DEVICE_ID_SIZE = 12
TCP_SIZE = 15
UDP_SIZE = TCP_SIZE + 2 + DEVICE_ID_SIZE


class HelloFlag(IntFlag):
    """HELLO flag bits (spec product-id.md §5.2)."""

    OTA_UPGRADE_SUCCESSFUL = 0x01
    DIAGNOSTICS_SUPPORT = 0x02
    IMMEDIATE_UPDATES_SUPPORT = 0x04
    GOODBYE_SUPPORT = 0x10
    DEVICE_INITIATED_DESCRIBE = 0x20
    COMPRESSED_OTA = 0x40
    """Never set by a Gen 2 device: it cannot decompress."""


DEVICE_OS_15_FLAGS = HelloFlag.DIAGNOSTICS_SUPPORT | HelloFlag.IMMEDIATE_UPDATES_SUPPORT
"""What Device OS 1.5.x always advertises (0x06)."""
DEVICE_OS_2_FLAGS = (
    DEVICE_OS_15_FLAGS | HelloFlag.GOODBYE_SUPPORT | HelloFlag.DEVICE_INITIATED_DESCRIBE
)
"""What Device OS 2.x always advertises on Gen 2 (0x36)."""


class Transport(IntEnum):
    """The CoAP message type byte of each transport."""

    TCP = 0x50
    """LightSSL (Photon, P1): a NON message, no device id."""
    UDP = 0x40
    """DTLS (Electron): a CON message carrying the device id."""


HELLO = Struct(
    "transport" / Int8ub,
    "code" / Const(0x02, Int8ub),
    "message_id" / Int16ub,
    "uri_path" / Const(b"\xb1h"),
    "payload_marker" / Const(b"\xff"),
    "product_id" / Int16ub,
    "product_version" / Int16ub,
    "flags" / Int16ub,
    "platform_id" / Int16ub,
    "device_id" / Optional(Prefixed(Int16ub, GreedyBytes)),
    Terminated,
)
"""One HELLO message; ``device_id`` is None for TCP."""


class HelloError(HarkenError):
    """Bytes that are not exactly one HELLO, or a field out of range."""


@dataclass(frozen=True)
class Hello:
    """A decoded HELLO. ``device_id`` is present exactly for UDP."""

    transport: Transport
    product_id: int
    product_version: int
    flags: int
    platform_id: int
    message_id: int = 0
    device_id: bytes | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "transport", Transport(self.transport))
        except ValueError:
            raise HelloError(
                f"transport byte {self.transport!r} is neither 0x50 nor 0x40"
            ) from None
        for name in ("product_id", "product_version", "flags", "platform_id", "message_id"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFFFF:
                raise HelloError(f"{name} {value} is not a u16")
        if self.transport == Transport.UDP:
            if self.device_id is None or len(self.device_id) != DEVICE_ID_SIZE:
                raise HelloError(f"a UDP HELLO carries a {DEVICE_ID_SIZE}-byte device id")
        elif self.device_id is not None:
            raise HelloError("a TCP HELLO carries no device id")


def encode_hello(hello: Hello) -> bytes:
    """The wire bytes of ``hello``."""
    return HELLO.build(
        {
            "transport": int(hello.transport),
            "message_id": hello.message_id,
            "product_id": hello.product_id,
            "product_version": hello.product_version,
            "flags": hello.flags,
            "platform_id": hello.platform_id,
            "device_id": hello.device_id,
        }
    )


def decode_hello(data: bytes) -> Hello:
    """Exactly one HELLO from ``data``; :class:`HelloError` if it is anything else."""
    if len(data) not in (TCP_SIZE, UDP_SIZE):
        raise HelloError(f"{len(data)} bytes: a HELLO is {TCP_SIZE} (TCP) or {UDP_SIZE} (UDP)")
    try:
        parsed = HELLO.parse(data)
        transport = Transport(parsed.transport)
    except (ConstructError, ValueError) as exc:
        raise HelloError(f"not a HELLO: {exc}") from None
    device_id = bytes(parsed.device_id) if parsed.device_id is not None else None
    return Hello(
        transport,
        parsed.product_id,
        parsed.product_version,
        parsed.flags,
        parsed.platform_id,
        parsed.message_id,
        device_id,
    )
