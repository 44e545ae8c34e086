"""The fixture channel of the QEMU device (USART3): a line protocol, LF-terminated.

Host → device: ``BAUD <rate>`` (a client set the console's bit rate: 28800 enters listening
mode), ``NET CLEAR`` and ``NET ADD …`` (the networks the simulated radio sees), and the
bench's ``BTN …`` and ``RESET`` (protocol/fixture.md). Device → host: ``HELLO harken-fixture
1`` at boot, then one answer (``OK`` or ``ERR <reason>``) per command, in order, and ``@``
event lines (LED, button, mode) at any time. Every other line the device sends is kept (and
logged) so tests can wait for one; answers are matched to commands by counting, and a HELLO
nobody asked for (a reboot) cancels the commands still waiting. Event lines go only to the
listeners (the 127.0.0.1 fixture port).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from harken.emulate.io_loop import DeviceLog
from harken.emulate.qemu_image import QemuDeviceError
from harken.emulate.wifi_env import WifiNetwork

FIXTURE_HELLO = "HELLO harken-fixture 1"
MAX_LINE = 4096
MAX_NETWORKS = 16
"""The size of the QEMU image's network table (``NET ADD`` beyond it: ``ERR table full``)."""


class FixtureLost(Exception):
    """A command got no answer: the device rebooted or the channel closed meanwhile."""


class FixtureTimeout(FixtureLost):
    """A command got no answer in time."""


def wifi_lines(networks: Iterable[WifiNetwork]) -> list[str]:
    """The commands that make the simulated radio see exactly ``networks``: ``NET CLEAR``,
    then one ``NET ADD <ssid-hex> <security-hex> <channel> <rssi> <password-hex|->
    <join_ms> <behaviour>`` each (protocol/qemu-fixture.md)."""
    lines = ["NET CLEAR"]
    for n in networks:
        password = n.password.encode("utf-8").hex() if n.password else "-"
        lines.append(
            f"NET ADD {n.ssid.encode('utf-8').hex()} {n.security & 0xFFFFFFFF:08x} "
            f"{n.channel} {n.rssi} {password} {min(n.join_ms, 0xFFFFFFFF)} {n.behaviour}"
        )
    return lines


class FixtureChannel(asyncio.Protocol):
    """Reads lines from the device, sends lines to it. Thread-safe where noted."""

    def __init__(
        self,
        device_log: DeviceLog,
        loop: asyncio.AbstractEventLoop,
        boot_lines: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        """``boot_lines`` gives the commands to send right after every boot greeting (the
        first one too); their answers are :attr:`boot_answers`."""
        self._log = device_log
        self._loop = loop
        self._boot_lines = boot_lines
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._partial = b""
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self.hellos = 0
        self._pending: deque[tuple[str, Future[str] | None]] = deque()
        self.event_listeners: list[Callable[[list[str]], None]] = []
        """Called (loop thread) with the ``@`` event lines as they come."""
        self.boot_answers: list[Future[str]] = []
        """Answers to the ``boot_lines`` of the latest boot (set before :attr:`hellos`
        counts its greeting)."""

    # --- asyncio.Protocol (loop thread) -------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._partial += data
        *lines, self._partial = self._partial.split(b"\n")
        if len(self._partial) > MAX_LINE:
            lines.append(self._partial)
            self._partial = b""
        if not lines:
            return
        texts = [line.rstrip(b"\r").decode("utf-8", errors="replace") for line in lines]
        # Event lines (the LED's, 40 a second while it breathes) go to the listeners only.
        events = [t for t in texts if t.startswith("@")]
        if events:
            for listener in list(self.event_listeners):
                listener(events)
            texts = [t for t in texts if not t.startswith("@")]
            if not texts:
                return
        self._log.write(b"".join(b"[fixture] " + t.encode() + b"\n" for t in texts))
        for text in texts:
            self._answer(text)
        with self._changed:
            self._lines.extend(texts)
            self.hellos += sum(1 for t in texts if t == FIXTURE_HELLO)
            self._changed.notify_all()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._cancel_pending("the fixture channel closed")
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def _answer(self, text: str) -> None:
        if text == FIXTURE_HELLO:
            if self._pending and self._pending[0][0] == "HELLO":
                self._resolve(text)  # the answer to the host's own HELLO
                return
            self._cancel_pending("the device rebooted")
            if self._boot_lines is not None:
                self.boot_answers = [self.write_now(line) for line in self._boot_lines()]
        elif text == "OK" or text.startswith("ERR "):
            self._resolve(text)

    def _resolve(self, answer: str) -> None:
        if not self._pending:
            return  # a line sent before the device's last boot, answered after it
        _, future = self._pending.popleft()
        if future is not None and not future.done():
            future.set_result(answer)

    def _cancel_pending(self, why: str) -> None:
        while self._pending:
            _, future = self._pending.popleft()
            if future is not None and not future.done():
                future.set_exception(FixtureLost(why))

    def write_now(self, line: str, answer: Future[str] | None = None) -> Future[str]:
        """Send one line (loop thread only); the future of its answer line."""
        answer = answer if answer is not None else Future()
        if self.transport is None or self.transport.is_closing():
            answer.set_exception(FixtureLost("the fixture channel is closed"))
            return answer
        self.transport.write(line.encode() + b"\n")
        if line:  # the device ignores blank lines: no answer
            self._pending.append((line.split(" ", 1)[0], answer))
        else:
            answer.set_result("")
        return answer

    # --- any thread ---------------------------------------------------------------------

    def send_line(self, line: str) -> Future[str]:
        """Send ``line`` (no newline in it) to the device; the future of its answer."""
        if "\n" in line or "\r" in line:
            raise ValueError("a fixture line holds no line breaks")
        answer: Future[str] = Future()
        try:
            self._loop.call_soon_threadsafe(self.write_now, line, answer)
        except RuntimeError:  # the loop has closed: the device is stopping
            answer.set_exception(FixtureLost("the fixture channel is closed"))
        return answer

    def request(self, lines: Iterable[str], timeout: float) -> list[str]:
        """Send ``lines`` and wait for their answers (``OK`` or ``ERR <reason>``), in order;
        :class:`FixtureLost` when the device reboots or the channel closes first,
        :class:`FixtureTimeout` after ``timeout`` seconds."""
        return wait_answers([self.send_line(line) for line in lines], timeout)

    @property
    def lines(self) -> list[str]:
        """Every line the device sent so far."""
        with self._changed:
            return list(self._lines)

    def wait_for_line(self, pattern: str, timeout: float, *, start: int = 0) -> str:
        """The first line from index ``start`` on that matches the regular expression
        ``pattern``; :class:`TimeoutError` after ``timeout`` seconds."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self._lines[start:]:
                    if regex.search(line):
                        return line
                start = max(start, len(self._lines))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no fixture line matching {pattern!r} in {timeout:.1f} s")
                self._changed.wait(remaining)

    def wait_for_hello(self, count: int, timeout: float) -> bool:
        """Whether ``count`` HELLOs have arrived within ``timeout`` seconds (False at once
        when the channel closes: QEMU has gone)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.hellos < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    return False
                self._changed.wait(remaining)
            return True


def wait_answers(answers: Sequence[Future[str]], timeout: float) -> list[str]:
    """The answer lines of ``answers`` within ``timeout`` seconds in all."""
    deadline = time.monotonic() + timeout
    try:
        return [a.result(max(0.0, deadline - time.monotonic())) for a in answers]
    except FutureTimeout:
        raise FixtureTimeout(f"no answer on the fixture channel in {timeout:.1f} s") from None


def check_radio_table(networks: Sequence[WifiNetwork], what: str) -> None:
    """Refuse more networks than the image's radio table holds."""
    if len(networks) > MAX_NETWORKS:
        raise QemuDeviceError(
            f"the QEMU image's radio holds at most {MAX_NETWORKS} networks; "
            f"{what} lists {len(networks)}"
        )


def check_wifi_answers(answers: Sequence[str]) -> None:
    """Every line of a Wi-Fi environment must have been taken."""
    refused = next((a for a in answers if a != "OK"), None)
    if refused is not None:
        raise QemuDeviceError(f"the device refused its Wi-Fi environment: {refused}")
