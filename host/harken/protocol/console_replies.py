"""construct models of the console's fixed-form replies, exact to the byte.

Each model parses a whole reply into its fields and builds the same bytes back from them, so
the golden vectors can be checked in both directions and a fuzzer or a device double can
produce well-formed replies. Tolerant parsing of whatever a port delivers (leading noise,
``Device ID:`` extras in any order) stays in :mod:`harken.protocol.console`.
"""

from __future__ import annotations

import json
from typing import Any

from construct import (
    Adapter,
    Const,
    Construct,
    GreedyRange,
    Select,
    StreamError,
    Struct,
    stream_read,
    stream_write,
)

CRLF = b"\r\n"


class TextUntil(Construct):
    """ASCII text up to (not including) a terminator, which is consumed and rebuilt."""

    def __init__(self, terminator: bytes) -> None:
        super().__init__()
        self.terminator = terminator

    def _parse(self, stream: Any, context: Any, path: str) -> str:
        data = b""
        while not data.endswith(self.terminator):
            data += stream_read(stream, 1, path)
        return data[: -len(self.terminator)].decode("latin-1")

    def _build(self, obj: str, stream: Any, context: Any, path: str) -> str:
        text = obj.encode("latin-1")
        if self.terminator in text:
            raise StreamError(f"text contains its terminator {self.terminator!r}", path=path)
        stream_write(stream, text + self.terminator, len(text) + len(self.terminator), path)
        return obj


class HexText(Adapter):
    """Lower-case hex digits on the wire, bytes in Python."""

    def _decode(self, obj: str, context: Any, path: str) -> bytes:
        return bytes.fromhex(obj)

    def _encode(self, obj: bytes, context: Any, path: str) -> str:
        return obj.hex()


class MacText(Adapter):
    """``aa:bb:cc:dd:ee:ff`` on the wire, 6 bytes in Python."""

    def _decode(self, obj: str, context: Any, path: str) -> bytes:
        return bytes.fromhex(obj.replace(":", ""))

    def _encode(self, obj: bytes, context: Any, path: str) -> str:
        return ":".join(f"{b:02x}" for b in obj)


class LabelledLine(Adapter):
    """``Label: value`` → (label, value)."""

    def _decode(self, obj: str, context: Any, path: str) -> tuple[str, str]:
        label, sep, value = obj.partition(": ")
        if not sep:
            raise StreamError("not a 'Label: value' line", path=path)
        return label, value

    def _encode(self, obj: tuple[str, str], context: Any, path: str) -> str:
        return f"{obj[0]}: {obj[1]}"


class JsonText(Adapter):
    """Compact JSON (no whitespace, as Device OS writes it) on one line."""

    def _decode(self, obj: str, context: Any, path: str) -> Any:
        return json.loads(obj)

    def _encode(self, obj: Any, context: Any, path: str) -> str:
        return json.dumps(obj, separators=(",", ":"))


IdentifyShort = Struct(
    Const(b"Your device id is "),
    "device_id" / HexText(TextUntil(CRLF)),
)
IdentifyLong = Struct(
    Const(b"Device ID: "),
    "device_id" / HexText(TextUntil(CRLF)),
    "extras" / GreedyRange(LabelledLine(TextUntil(CRLF))),
)
Identify = Select(IdentifyLong, IdentifyShort)
"""``i``: the long form carries extras; a value without them builds the short form."""

Mac = Struct(Const(b"Your device MAC address is\r\n"), "mac" / MacText(TextUntil(CRLF)))
Claimed = Struct(Const(b"Device claimed: "), "answer" / TextUntil(CRLF))
Version = Struct(Const(b"system firmware version: "), "version" / TextUntil(b"\n\r\n"))
JsonLine = Struct("value" / JsonText(TextUntil(CRLF)))
"""``s`` and ``d``."""

REPLY_MODELS = {
    b"i": Identify,
    b"m": Mac,
    b"c": Claimed,
    b"v": Version,
    b"s": JsonLine,
    b"d": JsonLine,
}
