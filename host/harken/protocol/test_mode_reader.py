"""Reading the test-pads line: log text and frames mixed, in arbitrary pieces
(protocol/test-mode.md, "Frame errors" and "Golden vectors").

The rules, the same as the device's:

- outside a frame, bytes are text until ``FA``; a run ended by LF is one :class:`LogText`
  (one CR before the LF dropped, other bytes outside 0x20..0x7E read as ``?``); a run not yet
  ended when a frame starts is dropped;
- ``FA`` followed by anything but ``CE`` is ignored, and that byte is read again;
- after the 7-byte header: version not 1 → ``bad_version``, length over the limit →
  ``bad_length``; either way the header is dropped and the hunt goes on after it;
- a CRC mismatch → ``bad_crc``, and the frame's bytes from the one after ``FA`` are read
  again as if they had just arrived;
- a frame that stops (no byte for :data:`TRUNCATE_AFTER` s) is the caller's to notice:
  :meth:`FrameReader.flush_partial` forgets it and reports ``truncated``.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from harken.protocol.test_mode_frame import HEADER_SIZE, VERSION, Frame, Status

MAX_TEXT = 1024
"""Characters kept of one text line; the rest of a longer line is dropped."""
_FA, _CE, _LF, _CR = 0xFA, 0xCE, 0x0A, 0x0D


@dataclass(frozen=True)
class FrameProblem:
    """A frame the device would answer with FRAME_ERROR: ``status`` and the sequence number
    read from its header (0 when none was read)."""

    status: Status
    seq: int


@dataclass(frozen=True)
class LogText:
    """One line of log text, without its line end."""

    text: str


ReadEvent = Frame | FrameProblem | LogText


def _printable(raw: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b <= 0x7E else "?" for b in raw)


class FrameReader:
    """Turns the bytes of the line, fed in any pieces, into events. Pure: no clock, no I/O."""

    def __init__(self, limit: int) -> None:
        if not 0 <= limit <= 0xFFFF:
            raise ValueError(f"payload limit {limit} is not a u16")
        self._limit = limit
        self._frame = bytearray()  # from the FA on, while a frame is being read
        self._text = bytearray()

    @property
    def limit(self) -> int:
        """The largest payload read as a frame."""
        return self._limit

    @property
    def mid_frame(self) -> bool:
        """Whether a sync has been read and the frame is not complete yet."""
        return len(self._frame) >= len(b"\xfa\xce")

    def feed(self, data: bytes) -> list[ReadEvent]:
        """The events the bytes ``data`` complete, in order."""
        events: list[ReadEvent] = []
        queue = bytes(data)
        at = 0
        while at < len(queue):
            byte = queue[at]
            at += 1
            if not self._frame:
                self._outside(byte, events)
            elif len(self._frame) == 1:
                if byte == _CE:
                    self._frame.append(byte)
                    self._text.clear()  # a run not ended by LF is not a line
                else:
                    self._frame.clear()
                    at -= 1  # the FA is ignored; this byte is read again
            else:
                self._frame.append(byte)
                rescan = self._in_frame(events)
                if rescan is not None:
                    queue = rescan + queue[at:]
                    at = 0
        return events

    def flush_partial(self) -> FrameProblem | None:
        """Forget a frame that stopped part-way: ``truncated`` with the header's sequence
        number (0 if not read yet), or None when no frame was being read."""
        if not self.mid_frame:
            self._frame.clear()
            return None
        seq = self._frame[4] if len(self._frame) > 4 else 0
        self._frame.clear()
        return FrameProblem(Status.TRUNCATED, seq)

    def _outside(self, byte: int, events: list[ReadEvent]) -> None:
        if byte == _FA:
            self._frame.append(byte)
        elif byte == _LF:
            line = bytes(self._text)
            line = line[:-1] if line.endswith(b"\r") else line
            events.append(LogText(_printable(line[:MAX_TEXT])))
            self._text.clear()
        elif len(self._text) <= MAX_TEXT:  # one more than kept: a CR before the LF
            self._text.append(byte)

    def _in_frame(self, events: list[ReadEvent]) -> bytes | None:
        """Act on the frame so far; the bytes to read again after a CRC mismatch."""
        frame = self._frame
        if len(frame) == HEADER_SIZE:
            version, _type, seq, length = struct.unpack_from("<BBBH", frame, 2)
            problem = None
            if version != VERSION:
                problem = Status.BAD_VERSION
            elif length > self._limit:
                problem = Status.BAD_LENGTH
            if problem is not None:
                events.append(FrameProblem(problem, seq))
                frame.clear()
                return None
        if len(frame) < HEADER_SIZE:
            return None
        length = struct.unpack_from("<H", frame, 5)[0]
        if len(frame) < HEADER_SIZE + length + 4:
            return None
        body = bytes(frame[2 : HEADER_SIZE + length])
        (crc,) = struct.unpack_from("<I", frame, HEADER_SIZE + length)
        whole = bytes(frame)
        frame.clear()
        if zlib.crc32(body) != crc:
            events.append(FrameProblem(Status.BAD_CRC, whole[4]))
            return whole[1:]
        events.append(Frame(whole[3], whole[4], whole[HEADER_SIZE : HEADER_SIZE + length]))
        return None
