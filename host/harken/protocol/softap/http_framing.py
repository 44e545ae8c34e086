"""The HTTP variant (softap spec §3): requests the device's server accepts, and its replies.

The device's HTTP server matches header names case-sensitively with one space after the
colon, rejects ``application/json`` and ``text/plain`` bodies (the Content-Type gate) and
answers commands with a chunked body whose chunk boundaries mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from construct import (
    Adapter,
    Bytes,
    Const,
    ConstructError,
    Rebuild,
    RepeatUntil,
    StreamError,
    Struct,
    len_,
    this,
)

from harken.protocol.console_replies import TextUntil
from harken.protocol.softap.framing import check_command_name

DEFAULT_HTTP_PORT = 80
CRLF = b"\r\n"
HEADER_END = b"\r\n\r\n"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
"""Passes the device's Content-Type gate and keeps a browser POST "simple" (no preflight)."""


class ChunkSize(Adapter):
    """A chunk-size line: lower- or upper-case hex, optionally followed by ``;extensions``."""

    def _decode(self, obj: str, context: Any, path: str) -> int:
        digits = obj.split(";", 1)[0].strip()
        try:
            return int(digits, 16)
        except ValueError:
            raise ConstructError(f"bad chunk size {digits[:16]!r}", path=path) from None

    def _encode(self, obj: int, context: Any, path: str) -> str:
        return f"{obj:x}"


Chunk = Struct(
    "size" / Rebuild(ChunkSize(TextUntil(CRLF)), len_(this.data)),
    "data" / Bytes(this.size),
    Const(CRLF),
)
ChunkedBody = RepeatUntil(lambda chunk, chunks, ctx: not chunk["data"], Chunk)
"""A chunked body up to and including the terminal ``0\\r\\n\\r\\n`` (no trailers)."""


class IncompleteResponse(ValueError):
    """More bytes are needed to finish the response."""


def dechunk(data: bytes) -> bytes:
    """The payload of a complete chunked body. Raises :class:`IncompleteResponse` if the
    terminal chunk has not arrived yet, ValueError if the framing is broken."""
    try:
        chunks = ChunkedBody.parse(data)
    except StreamError:
        raise IncompleteResponse("the chunked body is not complete") from None
    except ConstructError as exc:
        raise ValueError(f"malformed chunked body ({exc.__class__.__name__})") from None
    return b"".join(chunk.data for chunk in chunks)


def chunk(payload: bytes, sizes: list[int] | None = None) -> bytes:
    """``payload`` as a chunked body, cut into ``sizes`` (default: one chunk)."""
    pieces: list[bytes] = []
    offset = 0
    for size in sizes or [len(payload)]:
        if size > 0 and offset < len(payload):
            pieces.append(payload[offset : offset + size])
            offset += size
    if offset < len(payload):
        pieces.append(payload[offset:])
    return ChunkedBody.build([{"data": p} for p in pieces] + [{"data": b""}])


def encode_http_request(
    name: str, body: bytes | None, host: str, port: int = DEFAULT_HTTP_PORT
) -> bytes:
    """``GET /name`` without a body, ``POST /name`` with Content-Length and the form
    Content-Type with one. Header and body go out together (the device needs the whole
    header block in the first segment)."""
    check_command_name(name)
    host_header = host if port == DEFAULT_HTTP_PORT else f"{host}:{port}"
    if body is None:
        return f"GET /{name} HTTP/1.1\r\nHost: {host_header}\r\n\r\n".encode("ascii")
    head = (
        f"POST /{name} HTTP/1.1\r\nHost: {host_header}\r\n"
        f"Content-Length: {len(body)}\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\r\n"
    )
    return head.encode("ascii") + bytes(body)


@dataclass(frozen=True)
class HttpResponse:
    """A complete response: status, headers (names lower-cased) and the de-chunked body."""

    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = field(default=b"", repr=False)


def parse_http_response(data: bytes, *, at_eof: bool = False) -> HttpResponse:
    """Parse one response. Raises :class:`IncompleteResponse` while bytes are missing
    (a body without length or chunking is complete only ``at_eof``), ValueError if the
    response is malformed."""
    end = data.find(HEADER_END)
    if end < 0:
        if at_eof:
            raise ValueError("the connection closed inside the HTTP header")
        raise IncompleteResponse("the HTTP header is not complete")
    lines = data[:end].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError("not an HTTP response")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    rest = data[end + len(HEADER_END) :]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        try:
            body = dechunk(rest)
        except IncompleteResponse:
            if at_eof:
                raise ValueError("the connection closed inside the chunked body") from None
            raise
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise ValueError("bad Content-Length") from None
        if len(rest) < length:
            if at_eof:
                raise ValueError("the connection closed before the whole body arrived")
            raise IncompleteResponse("the body is not complete")
        body = rest[:length]
    elif at_eof:
        body = rest
    else:
        raise IncompleteResponse("the body ends when the connection closes")
    return HttpResponse(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body)


def response_complete(data: bytes) -> bool:
    """Whether ``data`` holds a whole response (malformed counts as complete: stop reading)."""
    try:
        parse_http_response(data)
    except IncompleteResponse:
        return False
    except ValueError:
        return True
    return True
