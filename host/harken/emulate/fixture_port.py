"""The QEMU device's fixture channel for clients on 127.0.0.1 TCP, the way the native device
serves its own (protocol/fixture.md): each client's command lines go to USART3 and their
answers come back to that client; the device's ``@`` event lines go to every client. Runs on
the device's I/O loop.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future

from harken.emulate.qemu_fixture import FixtureChannel

MAX_CLIENTS = 4
MAX_LINE = 255
CLIENT_BUFFER = 1024 * 1024
"""Event lines held for a client that does not read; beyond it the client is dropped."""


class FixtureClientLink(asyncio.Protocol):
    """One TCP client of the fixture port."""

    def __init__(self, port: FixturePort) -> None:
        self.port = port
        self.transport: asyncio.Transport | None = None
        self._partial = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        if len(self.port.clients) >= MAX_CLIENTS:
            transport.write(b"ERR too many clients\n")
            transport.close()
            return
        self.transport = transport
        self.port.clients.add(self)

    def data_received(self, data: bytes) -> None:
        *lines, self._partial = (self._partial + data).split(b"\n")
        if len(self._partial) > MAX_LINE:
            self._partial = b""
            self.send("ERR line too long")
        for raw in lines:
            line = raw.rstrip(b"\r").decode("ascii", "replace")
            if len(line) > MAX_LINE:
                self.send("ERR line too long")
            elif line:  # blank lines are keep-alives
                answer = self.port.channel.write_now(line)
                answer.add_done_callback(self._answered)

    def _answered(self, answer: Future[str]) -> None:
        # Runs on the loop thread: answers are resolved, or cancelled, there.
        try:
            self.send(answer.result())
        except Exception as exc:  # the device rebooted or the channel closed
            self.send(f"ERR {exc}")

    def send(self, line: str) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if transport.get_write_buffer_size() > CLIENT_BUFFER:
            transport.abort()  # it stopped reading: it must not hold the device's events
            return
        transport.write(line.encode() + b"\n")

    def connection_lost(self, exc: Exception | None) -> None:
        self.port.clients.discard(self)
        self.transport = None


class FixturePort:
    """Serves ``channel`` on 127.0.0.1."""

    def __init__(self, loop: asyncio.AbstractEventLoop, channel: FixtureChannel) -> None:
        self.loop = loop
        self.channel = channel
        self.clients: set[FixtureClientLink] = set()
        self._server: asyncio.AbstractServer | None = None
        channel.event_listeners.append(self._events)

    async def serve(self, port: int) -> int:
        """Listen on 127.0.0.1:``port`` (0: any free port); return the port."""
        self._server = await self.loop.create_server(
            lambda: FixtureClientLink(self), "127.0.0.1", port
        )
        return int(self._server.sockets[0].getsockname()[1])

    def _events(self, lines: list[str]) -> None:
        for client in list(self.clients):
            for line in lines:
                client.send(line)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for client in list(self.clients):
            if client.transport is not None:
                client.transport.abort()
