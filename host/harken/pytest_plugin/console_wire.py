"""Byte-exact conversations with a device's serial console, for conformance tests.

:class:`ConsoleWire` works on the same :class:`~harken.transport.serial_port.SerialPort` as
the ``dut_console`` client, so a test can mix harken's client with exact byte checks without
two readers competing for one port. Failures go through :func:`pytest.fail` with the bytes
shown and any secrets given masked.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import pytest

from harken.protocol import console as texts
from harken.transport.discovery import LISTEN_BAUD, enter_listening_mode
from harken.transport.serial_port import ReadTimeout, SerialPort

REPLY_TIMEOUT = 5.0
GRACE = 0.15
"""How long to keep listening after an expected reply, to catch extra bytes."""
QUIET = 0.3
"""How long "the device says nothing" is observed for."""
LISTEN_TIMEOUT = 10.0
PROBE_WAIT = 0.25
FIRST_PROBE_WAIT = 0.6
"""A device that has just started may still be booting (QEMU: about 0.4 s)."""
TRICK_SETTLE = (0.05, 0.25, 0.5, 1.0, 1.0, 1.0)
"""Pauses after each 28800-baud attempt before the port is reopened."""
TRICK_WAIT = 1.5
"""How long each attempt waits for the console to answer."""
LATE_REPLY = 0.5
"""How long a reply to an earlier, unanswered probe may still take to arrive."""


def _bytes(data: bytes | str) -> bytes:
    return data.encode("latin-1") if isinstance(data, str) else bytes(data)


def mask(data: bytes, secrets: Iterable[bytes | str] = ()) -> bytes:
    """``data`` with every occurrence of a secret replaced by ``<secret>``."""
    for secret in sorted((_bytes(s) for s in secrets if s), key=len, reverse=True):
        data = data.replace(secret, b"<secret>")
    return data


class ConsoleWire:
    """Send bytes and check exactly what comes back."""

    def __init__(
        self, port: SerialPort, *, timeout: float = REPLY_TIMEOUT, secrets: Iterable[str] = ()
    ) -> None:
        self.port = port
        self.timeout = timeout
        self.secrets = list(secrets)

    def _fail(self, what: str, expected: bytes | None, actual: bytes) -> None:
        shown = f"\n  expected: {mask(expected, self.secrets)!r}" if expected is not None else ""
        pytest.fail(f"{what}:{shown}\n  actual:   {mask(actual, self.secrets)!r}", pytrace=False)

    def send(self, data: bytes | str) -> None:
        self.port.write(_bytes(data))

    def read_until(self, marker: bytes | str, what: str, timeout: float | None = None) -> bytes:
        """Everything up to and including ``marker``; fails if it does not come."""
        try:
            return self.port.read_until(_bytes(marker), timeout or self.timeout)
        except ReadTimeout as exc:
            self._fail(f"{what}: {_bytes(marker)!r} did not arrive", None, exc.received)
            raise AssertionError("unreachable") from None

    def extra(self, grace: float = GRACE) -> bytes:
        """Whatever arrives within ``grace`` seconds (empty if nothing)."""
        try:
            return self.port.read_batch(silence=grace, timeout=grace)
        except ReadTimeout:
            return b""

    def expect(self, expected: bytes | str, what: str = "reply", *, grace: float = GRACE) -> None:
        """Exactly ``expected`` arrives next, then nothing more within ``grace``."""
        expected = _bytes(expected)
        if not expected:
            self.expect_silence(what)
            return
        try:
            got = self.port.read_until(expected, self.timeout)
        except ReadTimeout as exc:
            self._fail(f"{what} (incomplete or different)", expected, exc.received)
            return
        got += self.extra(grace)
        if got != expected:
            self._fail(what, expected, got)

    def expect_silence(self, what: str = "reply", seconds: float = QUIET) -> None:
        """Nothing at all arrives within ``seconds``."""
        got = self.extra(seconds)
        if got:
            self._fail(f"{what} (expected silence)", b"", got)

    def exchange(self, send: bytes | str, expected: bytes | str, what: str = "reply") -> None:
        """Send, then :meth:`expect`."""
        self.send(send)
        self.expect(expected, what)

    def line(self, send: bytes | str, what: str = "reply") -> bytes:
        """Send, and return the reply line up to and including its CR LF."""
        self.send(send)
        return self.read_until(texts.LINE_END, what)


def answers(port: SerialPort, wait: float = PROBE_WAIT) -> bool:
    """Whether the console answers ``c`` within ``wait`` seconds (i.e. is listening)."""
    port.discard_input()
    port.write(texts.CMD_CLAIMED)
    try:
        port.read_until(texts.CLAIMED_PREFIX, wait)
        port.read_until(texts.LINE_END, wait)
    except ReadTimeout:
        return False
    return True


def drain(port: SerialPort, quiet: float = QUIET) -> None:
    """Drop what arrives until ``quiet`` seconds pass without a byte (late replies to probes
    that timed out)."""
    try:
        port.read_batch(silence=quiet, timeout=quiet)
    except ReadTimeout:
        pass
    port.discard_input()


def _probe_until(port: SerialPort, deadline: float) -> tuple[bool, bool]:
    """Probe with ``c`` until the console answers or ``deadline`` passes; return (answered,
    whether a probe went unanswered first)."""
    missed = False
    while not answers(port):
        missed = True
        if time.monotonic() > deadline:
            return False, missed
    return True, missed


def wait_until_listening(port: SerialPort, timeout: float = LISTEN_TIMEOUT) -> None:
    """Probe with ``c`` until the console answers; fail after ``timeout``."""
    answered, missed = _probe_until(port, time.monotonic() + timeout)
    if not answered:
        pytest.fail(
            f"the console on {port.url} did not answer within {timeout:.0f} s "
            "(not in listening mode)",
            pytrace=False,
        )
    if missed:
        drain(port, LATE_REPLY)
    port.discard_input()


def enter_listening(port: SerialPort, timeout: float = LISTEN_TIMEOUT) -> None:
    """The 28800-baud trick on ``port``'s URL (closing and reopening it), then wait until
    the console answers. The trick is repeated with a longer pause before the port is
    reopened at 9600 baud: on a pty the device reads the rate from the line settings, and a
    quick reopen can change them back before it looks."""
    deadline = time.monotonic() + timeout
    for settle in TRICK_SETTLE:
        port.close()
        enter_listening_mode(port.url, settle=settle)
        port.open()
        answered, _ = _probe_until(port, min(deadline, time.monotonic() + TRICK_WAIT))
        if answered:
            # The reply may have been to a probe sent before the trick (a device that was
            # busy booting answers late): let every late reply arrive and drop it.
            drain(port, LATE_REPLY)
            return
        if time.monotonic() > deadline:
            break
    pytest.fail(
        f"the console on {port.url} did not enter listening mode at {LISTEN_BAUD} baud "
        f"within {timeout:.0f} s",
        pytrace=False,
    )


def ensure_listening(port: SerialPort, timeout: float = LISTEN_TIMEOUT) -> None:
    """Leave the device in listening mode: as it is if it answers, else via 28800 baud."""
    if answers(port, FIRST_PROBE_WAIT):
        port.discard_input()
        return
    enter_listening(port, timeout)
