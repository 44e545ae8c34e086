"""Raw SoftAP traffic for conformance tests that judge every byte: one connection per
request, written whole (optionally followed by a half-close), the reply read until the
device closes."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from harken.protocol.softap import framing
from harken.protocol.softap.http_framing import HttpResponse, parse_http_response
from harken.softap.client import SoftApClient
from harken.softap.errors import NoReply, SoftApUnreachable

WIRE_TIMEOUT = 15.0
UP_TIMEOUT = 10.0


def tcp_request(name: str, body: bytes | str = b"") -> bytes:
    """``name LF length LF LF body``, the length counted in bytes."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return framing.encode_request(name, raw)


def http_request(
    method: str, path: str, body: bytes | str | None = None, *, headers: tuple[str, ...] = ()
) -> bytes:
    """A closing HTTP/1.1 request; a body gets its Content-Length and a form Content-Type."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 192.168.0.1", *headers, "Connection: close"]
    raw = b""
    if body is not None:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        lines += [f"Content-Length: {len(raw)}", "Content-Type: application/x-www-form-urlencoded"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + raw


def parse_http(reply: bytes) -> HttpResponse:
    """One complete HTTP reply (header names lower-cased, body de-chunked)."""
    return parse_http_response(reply, at_eof=True)


@dataclass(frozen=True)
class SoftApWire:
    """The DUT's SoftAP endpoints, spoken to byte by byte."""

    host: str
    tcp_port: int
    http_port: int

    def send(
        self,
        port: int,
        request: bytes,
        *,
        half_close: bool = False,
        timeout: float = WIRE_TIMEOUT,
    ) -> bytes:
        """Send ``request`` on a new connection, optionally half-close, and return every byte
        received until the device closes."""
        with socket.create_connection((self.host, port), timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(request)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
            received = bytearray()
            while chunk := sock.recv(65536):
                received += chunk
            return bytes(received)

    def tcp(self, request: bytes, *, half_close: bool = False) -> bytes:
        """A raw exchange with the simple-protocol port."""
        return self.send(self.tcp_port, request, half_close=half_close)

    def http(self, request: bytes, *, half_close: bool = False) -> bytes:
        """A raw exchange with the HTTP port."""
        return self.send(self.http_port, request, half_close=half_close)


def wait_until_up(client: SoftApClient, timeout: float = UP_TIMEOUT) -> None:
    """Ask ``version`` until the SoftAP answers (it comes up with listening mode)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.version()
            return
        except SoftApUnreachable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_until_down(client: SoftApClient, timeout: float = 20.0) -> bool:
    """Ask ``version`` until the SoftAP refuses connections; False if it is still up after
    ``timeout``. A request the device was serving as it went down is closed without a reply
    (or reset): that is the AP going, so it is asked again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.version()
        except SoftApUnreachable as exc:
            if exc.refused:
                return True
        except NoReply:
            pass
        time.sleep(0.05)
    return False
