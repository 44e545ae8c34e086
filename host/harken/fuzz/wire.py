"""Sending a case's messages: a fresh connection per SoftAP message, bursts on the console.

What comes back is kept per message (the checks look for acknowledgements and judge TCP
replies); it is never logged, since replies can echo claim codes.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from harken.fuzz.case import Message
from harken.fuzz.pace import Pace
from harken.transport.serial_port import ReadTimeout, SerialPort, TransportError

CONNECT_TIMEOUT = 3.0
RECV_SIZE = 65536


@dataclass(frozen=True)
class Exchange:
    """One message and what the device did with it."""

    message: Message
    reply: bytes
    closed_by_device: bool = False
    """The device closed the connection itself (its reply is whole)."""
    error: str = ""
    """The message could not be delivered (refused, reset): a sign to check the device."""


@dataclass(frozen=True)
class SoftApEndpoint:
    host: str
    tcp_port: int
    http_port: int


def send_connection(endpoint: SoftApEndpoint, message: Message, pace: Pace) -> Exchange:
    port = endpoint.tcp_port if message.channel == "tcp" else endpoint.http_port
    try:
        sock = socket.create_connection((endpoint.host, port), timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        return Exchange(message, b"", error=f"connect: {exc.__class__.__name__}")
    received = bytearray()
    closed = False
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            pieces = message.pieces()
            for number, piece in enumerate(pieces):
                if number:
                    time.sleep(message.gap_ms / 1000)
                sock.sendall(piece)
            if message.half_close:
                sock.shutdown(socket.SHUT_WR)
            closed = _read_reply(sock, received, pace)
        except OSError as exc:  # reset or broken pipe: the device dropped us
            return Exchange(message, bytes(received), error=f"send: {exc.__class__.__name__}")
    return Exchange(message, bytes(received), closed_by_device=closed)


def _read_reply(sock: socket.socket, received: bytearray, pace: Pace) -> bool:
    """Read until the device closes (True), or a wait runs out (False)."""
    deadline = time.monotonic() + pace.reply_total
    while True:
        wait = pace.reply_idle if received else pace.reply_first_byte
        wait = min(wait, deadline - time.monotonic())
        if wait <= 0:
            return False
        sock.settimeout(wait)
        try:
            chunk = sock.recv(RECV_SIZE)
        except TimeoutError:
            return False
        if not chunk:
            return True
        received += chunk


def send_console(port: SerialPort, message: Message, pace: Pace) -> Exchange:
    """Write the message (in its pieces) and read what the console says until it is quiet."""
    try:
        for number, piece in enumerate(message.pieces()):
            if number:
                time.sleep(message.gap_ms / 1000)
            port.write(piece)
        return Exchange(message, read_quiet(port, pace))
    except TransportError as exc:
        return Exchange(message, b"", error=str(exc))


def read_quiet(port: SerialPort, pace: Pace) -> bytes:
    """Everything the console says until it has been quiet for ``pace.console_quiet``
    (a long reply, such as a burst of ``s``, is read to its end within ``reply_total``)."""
    said = bytearray()
    deadline = time.monotonic() + pace.reply_total
    while time.monotonic() < deadline:
        try:
            said += port.read_batch(silence=pace.console_quiet, timeout=pace.console_quiet)
        except ReadTimeout:
            break
    return bytes(said)
