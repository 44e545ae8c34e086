"""A SoftAP port on 127.0.0.1 that opens and closes with the emulated device's setup AP.

The relay accepts connections itself instead of using ``loop.create_server``: on CPython
3.11, closing an ``asyncio.Server`` while a connection it has just accepted is still being
wrapped fails an assertion inside asyncio, which swallows the error and leaves the accepted
socket open in a reference cycle. A client that connected just as the AP went down then
waited for a reply forever instead of being reset. Here every accepted socket is either
handed over at once or closed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

log = logging.getLogger(__name__)

BACKLOG = 64
"""Connections the kernel queues before the relay accepts them (also the most accepted per
wake-up, so one busy port cannot hold up the loop)."""


class ApPort:
    """A listening socket on 127.0.0.1 whose clients go to ``on_client``; runs on ``loop``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        port: int,
        on_client: Callable[[socket.socket], None],
    ) -> None:
        self.loop = loop
        self._on_client = on_client
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # The same port is bound again each time the AP comes back, while connections of
            # the last session may still be in TIME_WAIT.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(BACKLOG)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        self._listener: socket.socket | None = listener
        self.port = int(listener.getsockname()[1])
        loop.add_reader(listener.fileno(), self._accept)

    def _accept(self) -> None:
        for _ in range(BACKLOG):
            if self._listener is None:
                return
            try:
                connection, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors, say: the client waits in the queue
                log.warning("SoftAP relay: accept on 127.0.0.1:%d failed: %s", self.port, exc)
                return
            self._on_client(connection)

    def close(self) -> None:
        """Stop listening: clients still queued in the kernel are reset, new ones refused."""
        if self._listener is None:
            return
        self.loop.remove_reader(self._listener.fileno())
        self._listener.close()
        self._listener = None
