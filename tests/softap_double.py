"""A stand-in for a device's SoftAP, for testing harken's client without the firmware.

Serves the spec's command set on two 127.0.0.1 ports, TCP (one command per connection,
``"\\n\\n" + JSON`` then close) and HTTP (every reply byte its own chunk, keep-alive), with
the spec's test RSA key. It decrypts what it is sent, so the tests can check the plaintext.
``with_status`` adds harken's ``connect-status``; without it the double behaves like stock
Device OS (no reply over TCP, 404 over HTTP). ``harken_errors`` answers unknown commands
and bad bodies as a harken device does (``{"r":-404}`` / ``{"r":-400}``, HTTP 400). A join
started by connect-ap ends after ``join_seconds`` with the outcome ``join_outcome`` decides.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives.asymmetric import padding

from harken.protocol.softap.framing import TcpRequest
from harken.protocol.softap.http_framing import chunk
from harken.protocol.softap.messages import ScanEntry
from softap_vectors import TEST_PUBLIC_KEY_B, vector_private_key

DEVICE_ID = "3A0028000447343232363230"
CONFIGURE_KEYS = {
    "idx": int,
    "ssid": str,
    "pwd": str,
    "ch": int,
    "sec": int,
    "eap": int,
    "oi": str,
    "ii": str,
    "crt": str,
    "ek": str,
    "key": str,
    "ca": str,
}


@dataclass
class Stored:
    """What the double was told (decrypted)."""

    ssid: str | None = None
    security: int | None = None
    channel: int | None = None
    password: bytes | None = field(default=None, repr=False)
    claim_code: str | None = field(default=None, repr=False)
    fields: dict[str, Any] = field(default_factory=dict, repr=False)
    commands: list[str] = field(default_factory=list)


class SoftApDouble:
    def __init__(
        self,
        networks: list[ScanEntry],
        *,
        with_status: bool = True,
        harken_errors: bool = False,
        join_seconds: float = 0.3,
        join_outcome: Callable[[Stored], str | None] | None = None,
    ) -> None:
        self.networks = networks
        self.with_status = with_status
        self.harken_errors = harken_errors
        self.join_seconds = join_seconds
        self.join_outcome = join_outcome or (lambda stored: None)
        self.stored = Stored()
        self.private_key = vector_private_key()
        self.attempt = 0
        self._join_started: float | None = None
        self._lock = threading.Lock()
        self._servers: list[socketserver.ThreadingTCPServer] = []

    # --- commands --------------------------------------------------------------------------

    def handle(self, name: str, body: bytes) -> bytes | None:
        """The reply JSON for a command, b"" for "no JSON", None for an unknown command."""
        reply = self._handle(name, body)
        if self.harken_errors and reply is None:
            return b'{"r":-404,"error":"unknown command"}'
        if self.harken_errors and reply == b"":
            return b'{"r":-400,"error":"bad json"}'
        return reply

    def _handle(self, name: str, body: bytes) -> bytes | None:
        with self._lock:
            self.stored.commands.append(name)
            if name == "version":
                return b'{"v":2}'
            if name == "device-id":
                return f'{{"id":"{DEVICE_ID}","c":"0"}}'.encode()
            if name == "public-key":
                return f'{{"b":"{TEST_PUBLIC_KEY_B}","r":0}}'.encode()
            if name == "scan-ap":
                entries = ",".join(
                    f'{{"ssid":"{n.ssid}","rssi":{n.rssi},"sec":{n.security},'
                    f'"ch":{n.channel},"mdr":{n.mdr}}}'
                    for n in self.networks
                )
                return f'{{"scans":[{entries}]}}'.encode()
            if name == "set":
                request = self._fields(body, {"k": str, "v": str})
                if request is None:
                    return b""
                if request.get("k", "")[:2] != "cc" or not request.get("v"):
                    return b'{"r":-1}'
                self.stored.claim_code = request["v"][:63]
                return b'{"r":0}'
            if name == "configure-ap":
                return self._configure(body)
            if name == "connect-ap":
                self.attempt += 1
                self._join_started = time.monotonic()
                return b'{"r":0}'
            if name == "connect-status" and self.with_status:
                return json.dumps(self._status(), separators=(",", ":")).encode()
            return None

    def _fields(self, body: bytes, schema: dict[str, type]) -> dict[str, Any] | None:
        try:
            request = json.loads(body)
        except ValueError:
            return None
        if not isinstance(request, dict):
            return None
        for key, value in request.items():
            kind = schema.get(key)
            if kind is None or not isinstance(value, kind):
                return None
        return request

    def _configure(self, body: bytes) -> bytes:
        request = self._fields(body, CONFIGURE_KEYS)
        if request is None:
            return b""
        password = None
        if request.get("pwd"):
            try:
                password = self.private_key.decrypt(
                    bytes.fromhex(request["pwd"]), padding.PKCS1v15()
                )
            except ValueError:
                return b'{"r":-16640}'
        ssid = request.get("ssid", "")
        if not 1 <= len(ssid.encode()) <= 32:
            return b'{"r":-3}'
        security = request.get("sec", 0) & 0xFFFFFFFF
        seen = [n for n in self.networks if n.ssid == ssid]
        if security & 0x00600000 and not seen:
            return b'{"r":-2}'
        if security & 0x00600000 and not security & 0x02000000:
            if password is None or not 8 <= len(password) <= 64:
                return b'{"r":-4}'
        self.stored.ssid = ssid
        self.stored.security = seen[0].security if seen else security
        self.stored.channel = request.get("ch")
        self.stored.password = password
        self.stored.fields = request
        return b'{"r":0}'

    def _status(self) -> dict[str, Any]:
        if self.attempt == 0:
            return {"r": 0, "attempt": 0, "state": "idle"}
        status: dict[str, Any] = {"r": 0, "attempt": self.attempt, "ssid": self.stored.ssid}
        assert self._join_started is not None
        if time.monotonic() - self._join_started < self.join_seconds:
            status["state"] = "joining"
            return status
        reason = self.join_outcome(self.stored)
        status["state"] = "failed" if reason else "connected"
        if reason:
            status["reason"] = reason
        return status

    # --- servers ---------------------------------------------------------------------------

    def start(self) -> SoftApDouble:
        double = self

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                while True:
                    try:
                        request = TcpRequest.parse(data)
                        break
                    except Exception:  # noqa: BLE001 - incomplete: read more
                        more = self.request.recv(4096)
                        if not more:
                            return
                        data += more
                reply = double.handle(request.name, request.body)
                if reply is not None:
                    self.request.sendall(b"\n\n" + reply)

        class Http(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                while True:
                    while b"\r\n\r\n" not in data:
                        more = self.request.recv(4096)
                        if not more:
                            return
                        data += more
                    head, _, data = data.partition(b"\r\n\r\n")
                    lines = head.decode("latin-1").split("\r\n")
                    method, path, _ = lines[0].split(" ", 2)
                    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                    length = int(headers.get("Content-Length", "0"))
                    while len(data) < length:
                        data += self.request.recv(4096)
                    body, data = data[:length], data[length:]
                    reply = double.handle(path.lstrip("/"), body)
                    status = "200 OK" if reply is not None else "404 Not Found"
                    if reply is not None and b'"r":-4' in reply:
                        status = "400 Bad Request"
                    payload = reply or b""
                    self.request.sendall(
                        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                        "Connection: Keep-Alive\r\nAccess-Control-Allow-Origin: *\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n".encode()
                        + chunk(payload, [1] * len(payload))
                    )

        for handler in (Tcp, Http):
            server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
            self._servers.append(server)
        return self

    @property
    def tcp_port(self) -> int:
        return self._servers[0].server_address[1]

    @property
    def http_port(self) -> int:
        return self._servers[1].server_address[1]

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> SoftApDouble:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (refuses connections)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
