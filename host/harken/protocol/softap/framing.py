"""The TCP "simple protocol" framing (softap spec §2): ``name LF length LF LF body``.

One request per connection; the device answers ``"\\n\\n" + JSON`` (or nothing) and closes.
"""

from __future__ import annotations

from typing import Any

from construct import Adapter, Bytes, Const, ConstructError, Rebuild, Struct, len_, this

from harken.protocol.console_replies import TextUntil

DEFAULT_TCP_PORT = 5609
NAME_MAX = 29
"""Bytes of a command name the device reads (§2.1: hosts must send at most 29)."""
REPLY_PREAMBLE = b"\n\n"
LF = b"\n"


class DecimalText(Adapter):
    """A decimal number written as ASCII digits."""

    def _decode(self, obj: str, context: Any, path: str) -> int:
        if not obj.isascii() or not obj.isdigit():
            raise ConstructError(f"not a decimal length: {obj!r}", path=path)
        return int(obj)

    def _encode(self, obj: int, context: Any, path: str) -> str:
        return str(obj)


TcpRequest = Struct(
    "name" / TextUntil(LF),
    "length" / Rebuild(DecimalText(TextUntil(LF)), len_(this.body)),
    Const(LF),
    "body" / Bytes(this.length),
)
"""One request, exact to the byte; ``length`` is rebuilt from the body (a byte count)."""


def check_command_name(name: str) -> bytes:
    """The name as sent; ValueError unless it is 1-29 printable ASCII bytes."""
    raw = name.encode("ascii", errors="replace")
    if not 1 <= len(raw) <= NAME_MAX:
        raise ValueError(f"a SoftAP command name has 1-{NAME_MAX} bytes (got {len(raw)})")
    if not name.isascii() or not name.isprintable() or " " in name:
        raise ValueError(f"SoftAP command name {name!r} must be printable ASCII without spaces")
    return raw


def encode_request(name: str, body: bytes = b"") -> bytes:
    """``name LF byte-length LF LF body`` (no CR anywhere)."""
    check_command_name(name)
    return TcpRequest.build({"name": name, "body": bytes(body)})


def decode_request(data: bytes) -> tuple[str, bytes]:
    """(name, body) of one complete request; ValueError if it is not one."""
    try:
        request = TcpRequest.parse(data)
    except ConstructError as exc:
        raise ValueError(f"not a complete SoftAP TCP request ({exc.__class__.__name__})") from None
    return request.name, request.body


def reply_payload(data: bytes) -> bytes:
    """The JSON text of a TCP reply: everything after the ``\\n\\n`` preamble, without
    surrounding whitespace; empty if the device sent nothing (or only the preamble)."""
    return data.strip(b" \t\r\n")
