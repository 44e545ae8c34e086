"""The QEMU device's setup AP on 127.0.0.1: SoftAP clients relayed over the USART2 bridge
(protocol/qemu-bridge.md).

While the device says its AP is up, the relay listens on a TCP port (the simple protocol) and
an HTTP port, and gives each client a connection number. A client's bytes go out as DATA
frames no faster than the device's credit allows (the rest waits here); the device's DATA goes
straight to the client. A client's half-close is a FIN, its disappearance a RESET; the
device's CLOSE half-closes the client, its REFUSED closes it. The AP going down, or a fresh
HELLO from the device (a reboot), drops every client. Runs on the device's I/O loop.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass

from harken.emulate.ap_port import ApPort
from harken.protocol.bridge import (
    MAX_PAYLOAD,
    BridgeFrameError,
    Frame,
    FrameDecoder,
    FrameType,
    Service,
    encode_frame,
    open_frame,
    parse_ap,
    parse_credit,
)

log = logging.getLogger(__name__)

CLIENT_BACKLOG = 64 * 1024
"""Client bytes held beyond the credit before the relay stops reading that client."""
LINGER = 10.0
"""How long a client half-closed by the device may keep its end open."""


@dataclass
class BridgeStats:
    """What crossed the bridge, for tests and benchmarks."""

    frames_in: int = 0
    frames_out: int = 0
    hellos: int = 0
    refused: int = 0
    stale: int = 0
    """Frames for a connection the host has forgot (they crossed its RESET: expected), or
    from before the device's HELLO."""
    ignored: int = 0
    """Frames of an unknown type, or malformed."""


class Usart2(asyncio.Protocol):
    """The USART2 socket: frames in and out."""

    def __init__(self, relay: SoftApRelay) -> None:
        self.relay = relay
        self.decoder = FrameDecoder()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        for frame in self.decoder.feed(data):
            self.relay.on_frame(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.relay.set_ap(False)


class BridgedClient(asyncio.Protocol):
    """One SoftAP client and its connection over the bridge."""

    def __init__(self, relay: SoftApRelay, service: Service, generation: int = 0) -> None:
        self.relay = relay
        self.service = service
        self.generation = generation
        """The AP session whose listener accepted the client."""
        self.number = 0
        """The connection number; 0 once the connection is over (or never began)."""
        self.transport: asyncio.Transport | None = None
        self.credit = 0
        self.pending = bytearray()
        self.peer_finished = False
        self.fin_sent = False
        self.reading = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        # Accepted just before the AP went down (and maybe up again): that session is over.
        number = self.relay.attach(self) if self.relay.current(self.generation) else None
        if number is None:
            transport.abort()
            return
        self.number = number
        self.relay.send(open_frame(number, self.service))

    def data_received(self, data: bytes) -> None:
        if not self.number:
            return
        self.pending += data
        self.flush()

    def eof_received(self) -> bool:
        if not self.number:
            return False  # the device is done too: close
        self.peer_finished = True
        self.flush()
        return True  # keep our sending side open for the reply

    def connection_lost(self, exc: Exception | None) -> None:
        if self.number:
            number = self.number
            self.relay.detach(self, reset=True)
            self.relay.send(Frame(FrameType.RESET, number))
        self.transport = None

    # --- relay → client -----------------------------------------------------------------

    def flush(self) -> None:
        """Send what the credit allows, then the FIN once everything is out."""
        while self.pending and self.credit > 0:
            count = min(len(self.pending), self.credit, MAX_PAYLOAD)
            self.relay.send(Frame(FrameType.DATA, self.number, bytes(self.pending[:count])))
            del self.pending[:count]
            self.credit -= count
        if self.peer_finished and not self.pending and not self.fin_sent:
            self.fin_sent = True
            self.relay.send(Frame(FrameType.FIN, self.number))
        self._throttle(len(self.pending) > CLIENT_BACKLOG)

    def _throttle(self, stop: bool) -> None:
        if self.transport is None or stop != self.reading:
            return
        self.reading = not stop
        if stop:
            self.transport.pause_reading()
        else:
            self.transport.resume_reading()

    def device_data(self, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(payload)

    def device_closed(self) -> None:
        """CLOSE: half-close after the data before it; close once the client is done."""
        self.number = 0
        self.pending.clear()
        transport = self.transport
        if transport is None:
            return
        if self.peer_finished or not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self._throttle(False)  # read on, to see the client's end
        loop = asyncio.get_running_loop()
        loop.call_later(LINGER, self.drop)

    def drop(self) -> None:
        """Close the client at once (a reset), without telling the device."""
        self.number = 0
        if self.transport is not None:
            self.transport.abort()


class SoftApRelay:
    """Listens for SoftAP clients while the device's AP is up; relays them to USART2."""

    def __init__(self, loop: asyncio.AbstractEventLoop, tcp_port: int, http_port: int) -> None:
        self.loop = loop
        self.ports = {Service.SIMPLE: tcp_port, Service.HTTP: http_port}
        self.usart = Usart2(self)
        self.stats = BridgeStats()
        self.ap_up = False
        """What the device last said about its AP."""
        self.listening = False
        """Whether the relay listens (the AP is up and its ports are bound)."""
        self._generation = 0
        self._changed = threading.Condition()
        self._ports: list[ApPort] = []
        self._admitting: set[asyncio.Task[object]] = set()
        """Accepted clients whose transports are being made (held so they are not lost)."""
        self._clients: dict[int, BridgedClient] = {}
        self._closing: set[int] = set()
        """Numbers the host RESET whose CLOSE has not come yet: not handed out meanwhile."""
        self._next_number = 1
        self._synced = False
        """Whether the device's HELLO has come (frames before it are ignored)."""

    # --- connection numbers -------------------------------------------------------------

    def attach(self, client: BridgedClient) -> int | None:
        """A free connection number for ``client`` (round robin, so a number is not
        reused at once), or None when all 255 are in use."""
        for _ in range(255):
            number = self._next_number
            self._next_number = number % 255 + 1
            if number not in self._clients and number not in self._closing:
                self._clients[number] = client
                return number
        log.warning("bridge: 255 connections in use; refusing a client")
        return None

    def detach(self, client: BridgedClient, *, reset: bool = False) -> None:
        """Forget ``client``'s connection; after a RESET its number waits for the CLOSE."""
        if self._clients.get(client.number) is client:
            del self._clients[client.number]
            if reset:
                self._closing.add(client.number)
        client.number = 0

    @property
    def connections(self) -> int:
        """Connections open over the bridge."""
        return len(self._clients)

    # --- frames -------------------------------------------------------------------------

    def send(self, frame: Frame) -> None:
        transport = self.usart.transport
        if transport is not None and not transport.is_closing():
            transport.write(encode_frame(frame))
            self.stats.frames_out += 1

    def on_frame(self, frame: Frame) -> None:
        self.stats.frames_in += 1
        kind = frame.known_type
        if not self._synced and kind is not FrameType.DEVICE_HELLO:
            self.stats.stale += 1
            return
        try:
            if kind is FrameType.DEVICE_HELLO:
                self.stats.hellos += 1
                self._synced = True
                self.set_ap(False)  # a reboot: the AP comes up again with its own frame
            elif kind is FrameType.AP:
                self.set_ap(parse_ap(frame))
            elif kind in (
                FrameType.DEVICE_DATA,
                FrameType.CLOSE,
                FrameType.CREDIT,
                FrameType.REFUSED,
            ):
                self._on_connection_frame(kind, frame)
            else:
                self.stats.ignored += 1
        except BridgeFrameError as exc:
            self.stats.ignored += 1
            log.warning("bridge: malformed %s frame: %s", frame.type_name, exc)

    def _on_connection_frame(self, kind: FrameType, frame: Frame) -> None:
        if kind in (FrameType.CLOSE, FrameType.REFUSED):
            self._closing.discard(frame.connection)  # the number is free again
        client = self._clients.get(frame.connection)
        if client is None:
            self.stats.stale += 1  # crossed the host's RESET: expected
            return
        if kind is FrameType.DEVICE_DATA:
            client.device_data(frame.payload)
        elif kind is FrameType.CREDIT:
            client.credit += parse_credit(frame)
            client.flush()
        elif kind is FrameType.CLOSE:
            self.detach(client)
            client.device_closed()
        else:  # REFUSED
            self.stats.refused += 1
            self.detach(client)
            if client.transport is not None:
                client.transport.close()

    # --- the AP -------------------------------------------------------------------------

    def set_ap(self, up: bool) -> None:
        """Follow the device's AP: listen while it is up; when it goes down (or the device
        starts over), drop every client: the device forgot them without a CLOSE."""
        if not up:
            self._drop_clients()
            self._closing.clear()
        if up == self.ap_up:
            return
        self.ap_up = up
        self._generation += 1
        if up:
            self._listen(self._generation)
        else:
            self._stop_listening()

    def _listen(self, generation: int) -> None:
        for service, port in self.ports.items():
            try:
                ap_port = ApPort(
                    self.loop,
                    port,
                    lambda connection, service=service: self._admit(
                        connection, service, generation
                    ),
                )
            except OSError as exc:
                log.error("SoftAP relay: cannot listen on 127.0.0.1:%d: %s", port, exc)
                continue
            self._ports.append(ap_port)
            self.ports[service] = ap_port.port
        self._set_listening(True)

    def _admit(self, connection: socket.socket, service: Service, generation: int) -> None:
        """Wrap a client accepted in AP session ``generation`` (closed if that is over)."""
        if not self.current(generation):
            connection.close()
            return
        task = self.loop.create_task(
            self.loop.connect_accepted_socket(
                lambda: BridgedClient(self, service, generation), connection
            )
        )
        self._admitting.add(task)

        def admitted(task: asyncio.Task[object]) -> None:
            self._admitting.discard(task)
            if task.cancelled() or task.exception() is not None:
                connection.close()

        task.add_done_callback(admitted)

    def current(self, generation: int) -> bool:
        """Whether the AP is up in session ``generation``."""
        return self.ap_up and generation == self._generation

    def _stop_listening(self) -> None:
        for ap_port in self._ports:
            ap_port.close()
        self._ports.clear()
        self._set_listening(False)

    def _set_listening(self, listening: bool) -> None:
        with self._changed:
            self.listening = listening
            self._changed.notify_all()

    def wait_listening(self, listening: bool, timeout: float) -> bool:
        """Wait (any thread but the loop's) until the relay does or does not listen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.listening != listening:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def _drop_clients(self) -> None:
        for client in list(self._clients.values()):
            self.detach(client)
            client.drop()

    def close(self) -> None:
        """Stop listening and drop every client (loop thread)."""
        self.ap_up = False
        self._generation += 1
        self._stop_listening()
        self._drop_clients()
