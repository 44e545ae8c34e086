"""Raw SoftAP traffic for tests that must control every byte: one connection, the request
written whole, in slices, or left unfinished, and the reply read until the device closes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from harken.emulate.native import NativeDevice
from harken.protocol.dct import FIELD_SPANS, blank_app_dct
from harken.protocol.store import SECTOR_SIZE, build_sector

HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 15.0


def ports(device: NativeDevice) -> dict[str, int]:
    """``{"tcp": …, "http": …}`` of a running Photon/P1."""
    tcp, http = device.softap_tcp_port, device.softap_http_port
    assert tcp and http, "the device reports no SoftAP ports"
    return {"tcp": tcp, "http": http}


def read_to_close(sock: socket.socket, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Everything the device sends until it closes the connection."""
    sock.settimeout(timeout)
    data = bytearray()
    while chunk := sock.recv(65536):
        data += chunk
    return bytes(data)


def exchange(
    port: int,
    request: bytes,
    *,
    half_close: bool = False,
    slices: Iterable[int] | None = None,
    pause: float = 0.0,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """Send ``request`` (whole, or in ``slices`` of those sizes with ``pause`` between),
    optionally half-close, and return the reply up to the device's close."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if slices is None:
            sock.sendall(request)
        else:
            offset = 0
            for size in slices:
                sock.sendall(request[offset : offset + size])
                offset += size
                time.sleep(pause)
            sock.sendall(request[offset:])
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        return read_to_close(sock, timeout)


def tcp_request(name: str, body: bytes | str = b"") -> bytes:
    """``name LF length LF LF body`` with the length in bytes."""
    raw = body.encode() if isinstance(body, str) else body
    return name.encode() + b"\n" + str(len(raw)).encode() + b"\n\n" + raw


def http_request(method: str, path: str, body: bytes | str | None = None) -> bytes:
    """A closing HTTP/1.1 request, with a sized body when one is given."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 192.168.0.1", "Connection: close"]
    raw = b""
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        lines += [f"Content-Length: {len(raw)}", "Content-Type: application/x-www-form-urlencoded"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + raw


def http_body(reply: bytes) -> bytes:
    """The de-chunked body of one HTTP reply."""
    head, _, rest = reply.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" not in head.lower():
        return rest
    body = bytearray()
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        body += rest[:size]
        rest = rest[size + 2 :]
    return bytes(body)


def preload_device_key(state: Path, private_key_der: bytes) -> None:
    """A DCT whose only content is the given device private key (the device derives the
    public key itself at first use)."""
    state.mkdir(parents=True, exist_ok=True)
    app = blank_app_dct()
    offset, _ = FIELD_SPANS["device_private_key"]
    app[offset : offset + len(private_key_der)] = private_key_der
    (state / "dct.bin").write_bytes(build_sector(1, None, bytes(app)) + b"\xff" * SECTOR_SIZE)


def latin1(text: str) -> bytes:
    """The vectors' byte strings: one character per byte."""
    return text.encode("latin-1")


def networks_of(vectors: Mapping[str, object]) -> Sequence[Mapping[str, object]]:
    """The vector file's networks in the fixture's dict form."""
    nets = vectors["networks"]
    assert isinstance(nets, list)
    return nets
