"""One background asyncio loop that owns an emulated device's channels.

Every channel is read the moment bytes arrive and every write is buffered, never blocking, so
the guest is never held up by the host (QEMU stalls the whole VM when a channel is not
drained). Other threads hand work to the loop with :meth:`IoLoop.call` and :meth:`IoLoop.run`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class IoLoop:
    """An event loop running in a daemon thread until :meth:`stop`."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    @property
    def in_loop(self) -> bool:
        """Whether the caller runs on the loop's thread."""
        return threading.current_thread() is self._thread

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run ``coroutine`` on the loop; wait at most ``timeout`` seconds for its result."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"the I/O loop did not finish within {timeout:.1f} s") from None

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Schedule ``function(*args)`` on the loop (fire and forget)."""
        if self.loop.is_closed():
            return
        try:
            self.loop.call_soon_threadsafe(function, *args)
        except RuntimeError:  # closed between the check and the call
            pass

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the loop and join its thread (bounded)."""
        if not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self.loop.stop)
            except RuntimeError:
                pass
        if not self.in_loop:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the I/O loop thread did not stop within %.1f s", timeout)


class DeviceLog:
    """The device's log file, appended to from several threads, one line at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = open(path, "ab")  # noqa: SIM115 - closed in close()

    def write(self, data: bytes) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.write(data)
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
