"""One request, one reply over a fresh TCP connection (the SoftAP's way of talking).

The connection is opened, the request written in one go, the reply read until the peer
closes (or until ``complete`` says the reply is whole, for HTTP keep-alive), then closed.
Logging records sizes only: requests carry encrypted secrets and claim codes.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable

from harken.transport.serial_port import ReadTimeout, TransportError

RECV_SIZE = 4096

log = logging.getLogger(__name__)


class ConnectFailed(TransportError):
    """The peer could not be reached; ``refused`` is set when it actively refused."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def exchange(
    host: str,
    port: int,
    request: bytes,
    timeout: float,
    complete: Callable[[bytes], bool] | None = None,
) -> bytes:
    """Send ``request`` and return everything received until the peer closed the
    connection or ``complete(received)`` became true, all within ``timeout`` seconds.

    Raises :class:`ConnectFailed` if no connection could be made and :class:`ReadTimeout`
    (with the bytes received so far) if the reply did not end in time.
    """
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        raise ConnectFailed(f"{host}:{port} refused the connection", refused=True) from None
    except TimeoutError:
        raise ConnectFailed(f"no answer from {host}:{port} within {timeout:.1f} s") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ConnectFailed(f"cannot connect to {host}:{port}: {reason}") from None
    received = bytearray()
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.sendall(request)
            while complete is None or not complete(bytes(received)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                data = sock.recv(RECV_SIZE)
                if not data:
                    break
                received += data
        except TimeoutError:
            raise ReadTimeout(
                f"{host}:{port} did not finish its reply within {timeout:.1f} s "
                f"({len(received)} bytes received)",
                bytes(received),
            ) from None
        except (ConnectionResetError, BrokenPipeError):
            # A device that answered and then reset the connection still answered.
            if not received:
                raise ConnectFailed(f"{host}:{port} reset the connection") from None
    log.debug("%s:%d: sent %d bytes, received %d", host, port, len(request), len(received))
    return bytes(received)
