"""Test mode on the test pads (protocol/test-mode.md): constants, commands, statuses and the
frame, exact to the byte.

Frame::

    0     sync      FA CE
    2     version   u8 (1)
    3     type      u8 (a reply: its request's type | 0x80)
    4     seq       u8, chosen by the station, echoed by the reply
    5     length    u16 LE, at most 1024 (requests: 256)
    7     payload   length bytes
    7+n   crc32     u32 LE, zlib.crc32 of bytes 2 .. 6+n (everything after the sync)

:data:`FRAME` is the construct model; :func:`encode_frame` and :func:`decode_frame` build and
check exactly one frame.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import IntEnum

from construct import (
    Bytes,
    Checksum,
    ChecksumError,
    Const,
    ConstructError,
    Int8ul,
    Int16ul,
    Int32ul,
    RawCopy,
    Rebuild,
    Struct,
    len_,
    this,
)

from harken.errors import HarkenError

PREAMBLE = bytes.fromhex("e163573fe787c2a68520a56ce3049ea0")
"""Sent by the station to enter test mode (Device OS's tester used the same 16 bytes)."""
SYNC = b"\xfa\xce"
VERSION = 1
MAX_REQUEST = 256
MAX_REPLY = 1024
HEADER_SIZE = 7
CRC_SIZE = 4
OVERHEAD = HEADER_SIZE + CRC_SIZE
REPLY_BIT = 0x80
TRUNCATE_AFTER = 0.25
"""Seconds without a byte after which a partial frame is forgotten (``truncated``)."""


class Command(IntEnum):
    """Request types; a reply's type is the request's | 0x80. HELLO and FRAME_ERROR only come
    from the device."""

    PING = 0x00
    IDENTIFY = 0x01
    REBOOT = 0x02
    FACTORY_RESET = 0x03
    JOIN = 0x04
    SCAN = 0x05
    RSSI = 0x06
    CLEAR_CREDENTIALS = 0x07
    LED = 0x08
    BUTTON = 0x09
    HELLO = 0xC0
    FRAME_ERROR = 0xFF


class Status(IntEnum):
    """The first payload byte of every reply."""

    OK = 0
    UNKNOWN_COMMAND = 1
    BAD_PAYLOAD = 2
    BAD_CRC = 3
    BAD_LENGTH = 4
    TRUNCATED = 5
    BAD_VERSION = 6
    BUSY = 7
    UNSUPPORTED = 8
    NOT_CONNECTED = 9
    STORAGE_FAILED = 10
    JOIN_WRONG_PASSWORD = 32
    JOIN_NOT_FOUND = 33
    JOIN_TIMED_OUT = 34

    @property
    def wire_name(self) -> str:
        """The doc's lower-case name (``bad_crc``)."""
        return self.name.lower()


def status_name(code: int) -> str:
    """The doc's name of a status code, or ``status <n>`` for one this side does not know."""
    try:
        return Status(code).wire_name
    except ValueError:
        return f"status {code}"


def reply_type(request_type: int) -> int:
    """The type of the reply to ``request_type``."""
    return request_type | REPLY_BIT


class TestModeFrameError(HarkenError):
    """Bytes that are not exactly one well-formed frame, or a field out of range."""

    __test__ = False  # not a pytest class despite the name


FRAME = Struct(
    "sync" / Const(SYNC),
    "body"
    / RawCopy(
        Struct(
            "version" / Int8ul,
            "type" / Int8ul,
            "seq" / Int8ul,
            "length" / Rebuild(Int16ul, len_(this.payload)),
            "payload" / Bytes(this.length),
        )
    ),
    "crc" / Checksum(Int32ul, zlib.crc32, this.body.data),
)
"""One frame. Parsed: ``body.value`` holds version, type, seq, length, payload."""


@dataclass(frozen=True)
class Frame:
    """One well-formed frame. ``type`` stays an int so that unknown types survive decoding."""

    type: int
    seq: int
    payload: bytes = b""


def encode_frame(type: int, seq: int, payload: bytes, *, version: int = VERSION) -> bytes:
    """The wire bytes of one frame (``version`` other than 1 only to test a device)."""
    for name, value in (("type", type), ("seq", seq), ("version", version)):
        if not 0 <= value <= 0xFF:
            raise TestModeFrameError(f"frame {name} {value} is not a byte")
    if len(payload) > 0xFFFF:
        raise TestModeFrameError(f"payload of {len(payload)} bytes does not fit a u16 length")
    fields = {"version": version, "type": type, "seq": seq, "payload": payload}
    return FRAME.build({"body": {"value": fields}})


def decode_frame(data: bytes, limit: int = MAX_REPLY) -> Frame:
    """Exactly one frame of version 1 with at most ``limit`` payload bytes from ``data``."""
    if len(data) < OVERHEAD:
        raise TestModeFrameError(f"{len(data)} bytes are shorter than an empty frame")
    try:
        parsed = FRAME.parse(data)
    except ChecksumError:
        raise TestModeFrameError("CRC mismatch") from None
    except ConstructError as exc:
        raise TestModeFrameError(f"not a frame: {exc}") from None
    body = parsed.body.value
    if body.version != VERSION:
        raise TestModeFrameError(f"protocol version {body.version} (want {VERSION})")
    if body.length > limit:
        raise TestModeFrameError(f"payload of {body.length} bytes > {limit}")
    if len(data) != OVERHEAD + body.length:
        raise TestModeFrameError(f"{len(data) - OVERHEAD - body.length} bytes after the frame")
    return Frame(body.type, body.seq, bytes(body.payload))
