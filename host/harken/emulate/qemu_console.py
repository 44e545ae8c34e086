"""The QEMU device's console (USART1) as a USB serial port: a pty and a ``socket://`` relay.
The same relay, without line coding, carries the test pads (UART4, protocol/test-mode.md).

Everything runs on the device's I/O loop. Bytes from USART1 go to whichever clients are
attached (and are dropped when none is, as a device drops CDC output without a reader); bytes
from clients go to USART1. A client that opens the pty, or sets a new bit rate on it, is the
USB host's SET_LINE_CODING: the fixture channel gets ``BAUD <rate>``, so the 28800-baud
trick enters listening mode. A ``socket://`` client has no bit rate. A relay made without a
``line_coding`` callback (the test pads: a UART has none) ignores the rate.

A pty has no line-coding events: the rate is sampled at each open and close of the slave and
every 50 ms, so a rate a client sets and replaces within microseconds (28800, close, reopen
at 9600 at once) can go unseen. particle-cli and ``harken serial listen`` pause after the
trick, as a USB device needs them to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from harken.emulate.pty_port import PtyPort

log = logging.getLogger(__name__)

RATE_POLL = 0.05
"""How often the pty's bit rate is looked at while a client keeps it open."""
CLIENT_BUFFER = 64 * 1024
"""Console output held for a client that does not read; beyond it output is dropped."""


class UsartSocket(asyncio.Protocol):
    """The USART's QEMU socket: hands what the device sends to the relay."""

    def __init__(self, relay: ConsoleRelay) -> None:
        self.relay = relay
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.relay.from_device(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    # The guest takes ~20 KB/s: stop reading clients while the USART's buffer is full.
    def pause_writing(self) -> None:
        self.relay.set_paused(True)

    def resume_writing(self) -> None:
        self.relay.set_paused(False)


class SocketClient(asyncio.Protocol):
    """One ``socket://`` client."""

    def __init__(self, relay: ConsoleRelay) -> None:
        self.relay = relay
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.relay.socket_clients.add(self)
        if self.relay.paused:
            transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        self.relay.to_device(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.relay.socket_clients.discard(self)


class ConsoleRelay:
    """Relays a USART to a pty (``link``) and to ``socket://`` clients; ``line_coding`` hears
    the bit rates a pty client sets (None: nobody does)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        link: Path,
        line_coding: Callable[[int], None] | None,
    ) -> None:
        self.loop = loop
        self.pty = PtyPort(link)
        self._line_coding = line_coding
        self.usart = UsartSocket(self)
        self.socket_clients: set[SocketClient] = set()
        self._server: asyncio.AbstractServer | None = None
        self._reading_pty = False
        self._pty_pending = bytearray()
        self._writing_pty = False
        self.paused = False
        self._timer: asyncio.TimerHandle | None = None
        loop.add_reader(self.pty.notify, self._on_open_close)
        self._tick()

    async def serve_socket(self, port: int) -> int:
        """Listen for ``socket://`` clients on 127.0.0.1:``port``; return the port."""
        self._server = await self.loop.create_server(lambda: SocketClient(self), "127.0.0.1", port)
        return int(self._server.sockets[0].getsockname()[1])

    def close(self) -> None:
        """Stop everything (loop thread)."""
        if self._timer is not None:
            self._timer.cancel()
        if self.pty.notify >= 0:
            self.loop.remove_reader(self.pty.notify)
        if self.pty.master >= 0:
            self.loop.remove_reader(self.pty.master)
            self.loop.remove_writer(self.pty.master)
        self.pty.close()
        if self._server is not None:
            self._server.close()
        for client in list(self.socket_clients):
            if client.transport is not None:
                client.transport.abort()

    # --- device → clients ---------------------------------------------------------------

    def from_device(self, data: bytes) -> None:
        for client in list(self.socket_clients):
            transport = client.transport
            if transport is not None and transport.get_write_buffer_size() < CLIENT_BUFFER:
                transport.write(data)
        if not self.pty.client_attached():
            return
        room = CLIENT_BUFFER - len(self._pty_pending)
        self._pty_pending += data[: max(room, 0)]
        self._flush_pty()

    def _flush_pty(self) -> None:
        while self._pty_pending:
            written = self.pty.write(bytes(self._pty_pending))
            if written <= 0:
                break
            del self._pty_pending[:written]
        want = bool(self._pty_pending) and self.pty.client_attached()
        if not want:
            self._pty_pending.clear()
        if want != self._writing_pty:
            if want:
                self.loop.add_writer(self.pty.master, self._flush_pty)
            else:
                self.loop.remove_writer(self.pty.master)
            self._writing_pty = want

    # --- clients → device ---------------------------------------------------------------

    def to_device(self, data: bytes) -> None:
        transport = self.usart.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        for client in self.socket_clients:
            if client.transport is not None:
                if paused:
                    client.transport.pause_reading()
                else:
                    client.transport.resume_reading()
        self._update_pty_reader()

    def _on_pty_readable(self) -> None:
        # A close, an open or a new rate reaches the device before the bytes behind it.
        self._on_open_close()
        if not self._reading_pty:
            return
        data = self.pty.read()
        if data is None:
            self._update_pty_reader()
        elif data:
            self.to_device(data)

    # --- opens, closes and line coding --------------------------------------------------

    def _on_open_close(self) -> None:
        events = self.pty.open_close_events()
        rate = self.pty.bitrate_changed()
        if self._line_coding is not None and (events.opens or rate is not None):
            self._line_coding(self.pty.last_bitrate)
        attached = self.pty.client_attached()
        if events.closes and not attached:
            # What a client wrote before it left still counts (`x`, `L` and a claim code need
            # no reader); what was written for it is stale.
            self._drain_departed()
            self.pty.drop_unread_output()
            self._pty_pending.clear()
        self._update_pty_reader(attached)

    def _drain_departed(self) -> None:
        while data := self.pty.read():
            self.to_device(data)

    def _update_pty_reader(self, attached: bool | None = None) -> None:
        if attached is None:
            attached = self.pty.client_attached()
        want = attached and not self.paused
        if want != self._reading_pty:
            if want:
                self.loop.add_reader(self.pty.master, self._on_pty_readable)
            else:
                self.loop.remove_reader(self.pty.master)
            self._reading_pty = want

    def _tick(self) -> None:
        # A rate set on an open port raises no inotify event; an open may race the watch.
        self._on_open_close()
        self._timer = self.loop.call_later(RATE_POLL, self._tick)
