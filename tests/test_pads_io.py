"""Reading an emulated device's test pads (protocol/test-mode.md) as a station's log reader
would: a pty path or a ``socket://`` URL, plain pyserial, every byte kept."""

from __future__ import annotations

import re
import struct
import time
import zlib
from dataclasses import dataclass
from types import TracebackType

import serial

PREAMBLE = bytes.fromhex("e163573fe787c2a68520a56ce3049ea0")
SYNC = b"\xfa\xce"
PADS_BAUD = 115200
REPLY_TIMEOUT = 10.0
LOG_LINE = re.compile(rb"\[[ -Z\\^-~]*\] [ -~]*")
"""``[category] message`` in printable ASCII (no ``]`` in the category)."""


class PadsReader:
    """One open connection to the test pads, collecting what arrives."""

    def __init__(self, url: str, baudrate: int = PADS_BAUD) -> None:
        self._port = serial.serial_for_url(url, baudrate, timeout=0.05)
        self.data = bytearray()

    def close(self) -> None:
        self._port.close()

    def __enter__(self) -> PadsReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        """Write ``data`` to the device's end of the pads."""
        self._port.write(data)
        self._port.flush()

    def _read(self) -> None:
        self.data += self._port.read(max(1, self._port.in_waiting))

    def read_for(self, seconds: float) -> bytes:
        """What arrives within ``seconds`` (also kept in :attr:`data`)."""
        start = len(self.data)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._read()
        return bytes(self.data[start:])

    def lines(self) -> list[str]:
        """The complete ``\\r\\n``-ended log lines so far, without their ends (frames left
        out)."""
        text = b"".join(split_stream(bytes(self.data), whole=False)[0])
        return [line.decode("ascii") for line in text.split(b"\r\n")[:-1]]

    def wait_for_frames(self, count: int, timeout: float = REPLY_TIMEOUT) -> list[RawFrame]:
        """Read until ``count`` whole frames arrived; return every frame so far."""
        deadline = time.monotonic() + timeout
        while True:
            frames = split_stream(bytes(self.data), whole=False)[1]
            if len(frames) >= count:
                return frames
            assert time.monotonic() < deadline, f"no {count} frames on the pads: {self.data!r}"
            self._read()

    def wait_for_line(self, line: str, timeout: float = REPLY_TIMEOUT) -> list[str]:
        """Read until ``line`` is among the lines; return the lines."""
        deadline = time.monotonic() + timeout
        while line not in self.lines():
            assert time.monotonic() < deadline, f"no {line!r} on the test pads: {self.data!r}"
            self._read()
        return self.lines()


def check_log_text(data: bytes) -> None:
    """``data`` is nothing but whole log lines: ``[category] message\\r\\n`` in printable
    ASCII, so never the frame sync byte 0xFA."""
    assert 0xFA not in data
    assert data.endswith(b"\r\n"), data[-40:]
    for line in data.split(b"\r\n")[:-1]:
        assert LOG_LINE.fullmatch(line), line


@dataclass(frozen=True)
class RawFrame:
    """A test-mode frame as the bytes say (its CRC already checked)."""

    type: int
    seq: int
    payload: bytes


def request(type: int, seq: int, payload: bytes = b"") -> bytes:
    """A request frame, written out from the doc's frame table (not from harken's model)."""
    body = bytes([1, type, seq]) + struct.pack("<H", len(payload)) + payload
    return SYNC + body + struct.pack("<I", zlib.crc32(body))


def split_stream(data: bytes, *, whole: bool = True) -> tuple[list[bytes], list[RawFrame]]:
    """The texts around the frames (one more than frames) and the frames of what the device
    wrote: text until a 0xFA, then a frame with a good CRC (anything else fails the test).
    ``whole=False``: a frame still arriving at the end is left out instead."""
    texts: list[bytes] = []
    frames: list[RawFrame] = []
    at = 0
    while (start := data.find(0xFA, at)) >= 0:
        texts.append(data[at:start])
        header = data[start : start + 7]
        length = struct.unpack_from("<H", header, 5)[0] if len(header) == 7 else 0
        end = start + 7 + length + 4
        if end > len(data) and not whole:
            return texts, frames
        assert end <= len(data), f"a frame cut short: {data[start:]!r}"
        assert header[:3] == SYNC + b"\x01", data[start:]
        (crc,) = struct.unpack_from("<I", data, end - 4)
        assert crc == zlib.crc32(data[start + 2 : end - 4]), data[start:end]
        frames.append(RawFrame(header[3], header[4], data[start + 7 : end - 4]))
        at = end
    texts.append(data[at:])
    return texts, frames
