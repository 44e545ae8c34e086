"""The QEMU network bridge on USART2 (protocol/qemu-bridge.md): frames, exact to the byte.

Frame::

    0     start       0xA5
    1     type        u8
    2     connection  u8 (0 for frames about the link)
    3     length      u16 LE, at most 512
    5     payload     length bytes
    5+n   crc32       u32 LE, zlib.crc32 of bytes 1 .. 5+n-1

:data:`FRAME` is the construct model (parse and build); :class:`FrameDecoder` takes the byte
stream in arbitrary pieces, resynchronises on the next start byte after noise, and drops (and
counts) frames that are oversize or fail their CRC. Unknown types decode normally: ignoring
them is the receiver's business.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from enum import IntEnum

from construct import (
    Bytes,
    Check,
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

START = 0xA5
MAX_PAYLOAD = 512
HEADER_SIZE = 5
CRC_SIZE = 4
OVERHEAD = HEADER_SIZE + CRC_SIZE
MAX_FRAME = MAX_PAYLOAD + OVERHEAD
LINK = 0
"""The connection number of frames about the link (AP, HELLO)."""
HELLO_PAYLOAD = b"harken-bridge 1"


class FrameType(IntEnum):
    """Frame types; host → device below 0x80, device → host from 0x80."""

    OPEN = 0x01
    DATA = 0x02
    FIN = 0x03
    RESET = 0x04
    HELLO = 0x05
    AP = 0x81
    DEVICE_DATA = 0x82
    CLOSE = 0x83
    CREDIT = 0x84
    DEVICE_HELLO = 0x85
    REFUSED = 0x86


class Service(IntEnum):
    """The service an OPEN asks for."""

    SIMPLE = 0
    """The TCP simple protocol (port 5609 on a real device)."""
    HTTP = 1
    """The HTTP server (port 80 on a real device)."""


class BridgeFrameError(HarkenError):
    """Bytes that are not exactly one well-formed frame, or a field out of range."""


FRAME = Struct(
    "start" / Const(bytes([START])),
    "body"
    / RawCopy(
        Struct(
            "type" / Int8ul,
            "connection" / Int8ul,
            "length" / Rebuild(Int16ul, len_(this.payload)),
            Check(this.length <= MAX_PAYLOAD),
            "payload" / Bytes(this.length),
        )
    ),
    "crc" / Checksum(Int32ul, zlib.crc32, this.body.data),
)
"""One frame. Parsed: ``body.value`` holds type, connection, length, payload."""


@dataclass(frozen=True)
class Frame:
    """One decoded frame. ``type`` stays an int so that unknown types survive decoding."""

    type: int
    connection: int = LINK
    payload: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.type <= 0xFF:
            raise BridgeFrameError(f"frame type {self.type} is not a byte")
        if not 0 <= self.connection <= 0xFF:
            raise BridgeFrameError(f"connection {self.connection} is not 0-255")
        if len(self.payload) > MAX_PAYLOAD:
            raise BridgeFrameError(f"payload of {len(self.payload)} bytes > {MAX_PAYLOAD}")

    @property
    def known_type(self) -> FrameType | None:
        """The type as a :class:`FrameType`, or None for a type this side does not know."""
        try:
            return FrameType(self.type)
        except ValueError:
            return None

    @property
    def type_name(self) -> str:
        """The spec's name of the type (DATA and HELLO go both ways), or its hex."""
        known = self.known_type
        return known.name.removeprefix("DEVICE_") if known is not None else f"0x{self.type:02x}"


def encode_frame(frame: Frame) -> bytes:
    """The wire bytes of ``frame``."""
    fields = {"type": frame.type, "connection": frame.connection, "payload": frame.payload}
    return FRAME.build({"body": {"value": fields}})


def decode_frame(data: bytes) -> Frame:
    """Exactly one frame from ``data``; :class:`BridgeFrameError` if it is anything else."""
    if len(data) < OVERHEAD:
        raise BridgeFrameError(f"{len(data)} bytes are shorter than an empty frame")
    try:
        parsed = FRAME.parse(data)
    except ChecksumError:
        raise BridgeFrameError("CRC mismatch") from None
    except ConstructError as exc:
        raise BridgeFrameError(f"not a frame: {exc}") from None
    body = parsed.body.value
    if len(data) != OVERHEAD + body.length:
        raise BridgeFrameError(f"{len(data) - OVERHEAD - body.length} bytes after the frame")
    return Frame(body.type, body.connection, bytes(body.payload))


# --- payloads --------------------------------------------------------------------------


def open_frame(connection: int, service: Service) -> Frame:
    """Host → device: a new client on ``connection`` for ``service``."""
    return Frame(FrameType.OPEN, connection, bytes([service]))


def credit_frame(connection: int, credit: int) -> Frame:
    """Device → host: ``credit`` more DATA bytes may be sent on ``connection``."""
    if not 0 <= credit <= 0xFFFF:
        raise BridgeFrameError(f"credit {credit} is not a u16")
    return Frame(FrameType.CREDIT, connection, credit.to_bytes(2, "little"))


def ap_frame(up: bool) -> Frame:
    """Device → host: the setup AP is up (the host listens) or down."""
    return Frame(FrameType.AP, LINK, b"\x01" if up else b"\x00")


def hello_frame(*, from_device: bool = False) -> Frame:
    """HELLO from the host (0x05) or the device (0x85)."""
    kind = FrameType.DEVICE_HELLO if from_device else FrameType.HELLO
    return Frame(kind, LINK, HELLO_PAYLOAD)


def parse_credit(frame: Frame) -> int:
    """The credit a CREDIT frame grants."""
    if len(frame.payload) != 2:
        raise BridgeFrameError(f"CREDIT payload of {len(frame.payload)} bytes (want 2)")
    return int.from_bytes(frame.payload, "little")


def parse_ap(frame: Frame) -> bool:
    """Whether an AP frame says the setup AP is up."""
    if len(frame.payload) != 1 or frame.payload[0] > 1:
        raise BridgeFrameError(f"AP payload {frame.payload.hex()} (want 00 or 01)")
    return frame.payload[0] == 1


def parse_open(frame: Frame) -> Service:
    """The service an OPEN frame asks for."""
    if len(frame.payload) != 1:
        raise BridgeFrameError(f"OPEN payload of {len(frame.payload)} bytes (want 1)")
    try:
        return Service(frame.payload[0])
    except ValueError:
        raise BridgeFrameError(f"unknown service {frame.payload[0]}") from None


def data_frames(connection: int, data: bytes, *, from_device: bool = False) -> list[Frame]:
    """``data`` as DATA frames of at most :data:`MAX_PAYLOAD` bytes each."""
    kind = FrameType.DEVICE_DATA if from_device else FrameType.DATA
    return [
        Frame(kind, connection, data[at : at + MAX_PAYLOAD])
        for at in range(0, len(data), MAX_PAYLOAD)
    ]


# --- stream ----------------------------------------------------------------------------


@dataclass
class DecoderStats:
    """What a :class:`FrameDecoder` threw away."""

    frames: int = 0
    bad_crc: int = 0
    oversize: int = 0
    skipped_bytes: int = 0
    """Bytes discarded while hunting for a start byte (not the start bytes of dropped
    candidates, as in the C++ decoder's counters)."""


@dataclass
class FrameDecoder:
    """Frames from a byte stream fed in any pieces. Never raises on bad input."""

    stats: DecoderStats = field(default_factory=DecoderStats)
    _buffer: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        """Add ``data``; return every frame completed by it, in order."""
        self._buffer += data
        frames: list[Frame] = []
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _skip(self, count: int) -> None:
        del self._buffer[:count]
        self.stats.skipped_bytes += count

    def _drop_candidate(self) -> None:
        # Scanning resumes at the byte after the start byte, so a good frame hidden inside a
        # torn one is still found.
        del self._buffer[:1]

    def _next(self) -> Frame | None:
        buffer = self._buffer
        while True:
            start = buffer.find(START)
            if start < 0:
                self._skip(len(buffer))
                return None
            if start:
                self._skip(start)
            if len(buffer) < HEADER_SIZE:
                return None
            length = int.from_bytes(buffer[3:5], "little")
            if length > MAX_PAYLOAD:
                self.stats.oversize += 1
                self._drop_candidate()
                continue
            end = HEADER_SIZE + length + CRC_SIZE
            if len(buffer) < end:
                return None
            crc = int.from_bytes(buffer[end - CRC_SIZE : end], "little")
            if zlib.crc32(buffer[1 : end - CRC_SIZE]) != crc:
                self.stats.bad_crc += 1
                self._drop_candidate()
                continue
            frame = Frame(buffer[1], buffer[2], bytes(buffer[HEADER_SIZE : end - CRC_SIZE]))
            del buffer[:end]
            self.stats.frames += 1
            return frame
