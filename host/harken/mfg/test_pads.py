"""TestPadsClient: a manufacturing station's client of one unit in test mode
(protocol/test-mode.md) over its test pads: a pty path, a device path or any pyserial URL.

Every request gets a sequence number (1..255, cycling) and is matched to its reply by type
(request | 0x80) and sequence number. A FRAME_ERROR for the request (its sequence number, or
0), or no reply within the timeout, resends it (up to ``retries`` times); REBOOT and
FACTORY_RESET are not resent for want of a reply, since the unit may already have reset. A
reply the unit sent with a bad CRC is dropped, so its request is resent after the timeout.

After :meth:`TestPadsClient.reboot` or :meth:`TestPadsClient.factory_reset` the unit has left
test mode: call :meth:`TestPadsClient.enter` again before the next command.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import Any

from harken.errors import HarkenError
from harken.mfg.test_pads_line import TestPadsLine
from harken.protocol import test_mode as tm
from harken.protocol.test_mode import (
    ButtonState,
    Command,
    Frame,
    Hello,
    Identity,
    JoinRequest,
    JoinResult,
    LedRequest,
    Link,
    ScannedNetwork,
    Status,
)

log = logging.getLogger(__name__)

DEFAULT_BAUD = 115200
PREAMBLE_INTERVAL = 0.5
"""How often :meth:`TestPadsClient.enter` sends the preamble again while no HELLO came."""
JOIN_MARGIN = 5.0
"""Seconds a JOIN reply may take beyond the join's own timeout."""
SLOW_COMMAND_TIMEOUT = 10.0
"""At least this long for SCAN (a radio scan) and FACTORY_RESET (a DCT erase)."""
JOIN_OUTCOMES = frozenset(
    {Status.OK, Status.JOIN_WRONG_PASSWORD, Status.JOIN_NOT_FOUND, Status.JOIN_TIMED_OUT}
)
_MEANINGS = {
    Status.UNKNOWN_COMMAND: "the unit does not know this command",
    Status.BAD_PAYLOAD: "the unit found the request's payload malformed",
    Status.BUSY: "a join is running",
    Status.UNSUPPORTED: "this unit has no such part",
    Status.NOT_CONNECTED: "the unit is not joined to a network",
    Status.STORAGE_FAILED: "the unit could not write its DCT; what was stored is intact",
}


class TestPadsError(HarkenError):
    """Base of the test-pads client's errors."""

    __test__ = False


class UnitNotAnswering(TestPadsError):
    """No reply within the timeout, after every retry."""


class TestModeRefused(TestPadsError):
    """The unit replied with a status other than ``ok`` (``.status``)."""

    __test__ = False

    def __init__(self, command: str, status: int) -> None:
        name = tm.status_name(status)
        meaning = _MEANINGS.get(status) if isinstance(status, Status) else None
        super().__init__(
            f"the unit refused {command}: {name}" + (f" ({meaning})" if meaning else "")
        )
        self.command = command
        self.status = status


class TestModeProtocolError(TestPadsError):
    """A reply that does not decode."""

    __test__ = False


class TestPadsClient:
    """One unit's test pads. Use as a context manager or call :meth:`close`."""

    __test__ = False

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUD,
        timeout: float = 2.0,
        retries: int = 2,
    ) -> None:
        if timeout <= 0 or retries < 0:
            raise ValueError("timeout must be positive and retries not negative")
        self.port = port
        self.timeout = timeout
        self.retries = retries
        self.hello: Hello | None = None
        """The last HELLO, from :meth:`enter`."""
        self._seq = 0
        self._line = TestPadsLine(port, baudrate)

    @classmethod
    def open(cls, port: str, **options: Any) -> TestPadsClient:
        """Open ``port`` (a path or pyserial URL); ``options`` as for the constructor."""
        return cls(port, **options)

    def close(self) -> None:
        self._line.close()

    def __enter__(self) -> TestPadsClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def log_lines(self) -> list[str]:
        """The unit's log text seen so far (the last 2000 lines), without line ends."""
        return self._line.log_lines

    # --- entering -----------------------------------------------------------------------

    def enter(self, timeout: float = 5.0) -> Hello:
        """Send the preamble, again every 0.5 s, until the unit answers HELLO."""
        deadline = time.monotonic() + timeout
        self._line.discard_frames()
        while True:
            self._line.write(tm.PREAMBLE)
            resend_at = min(deadline, time.monotonic() + PREAMBLE_INTERVAL)
            while (frame := self._line.next_frame(resend_at)) is not None:
                if frame.type == Command.HELLO:
                    reply = self._decode(frame, "HELLO", tm.decode_hello)
                    if not reply.ok or reply.body is None:
                        raise TestModeRefused("the preamble", reply.status)
                    self.hello = reply.body
                    return reply.body
            if time.monotonic() >= deadline:
                raise UnitNotAnswering(
                    f"no HELLO within {timeout:.1f} s of sending the test-mode preamble "
                    f"on {self.port} (is a unit on the pads, powered?)"
                )

    # --- commands -----------------------------------------------------------------------

    def ping(self) -> int:
        """PING: the unit's protocol version (1)."""
        reply = self._checked(Command.PING, tm.decode_ping_reply)
        return reply.version

    def identify(self) -> Identity:
        return self._checked(Command.IDENTIFY, tm.decode_identify_reply)

    def reboot(self) -> None:
        """REBOOT: the unit resets after its reply and leaves test mode (enter() again).
        Not resent when the reply is lost: the unit may already have reset, and on a board
        whose console shares the pads the frame would reach the console."""
        self._checked(Command.REBOOT, _status_only, resend_on_silence=False)
        self.hello = None

    def factory_reset(self) -> None:
        """FACTORY_RESET: the unit clears its Wi-Fi profiles, claim code and claimed flag,
        then resets and leaves test mode (enter() again); not resent, as for reboot()."""
        self._checked(
            Command.FACTORY_RESET, _status_only, timeout=self._slow(), resend_on_silence=False
        )
        self.hello = None

    def join(self, ssid: str, password: str, security: int, *, timeout_s: int = 30) -> JoinResult:
        """JOIN without storing anything; the result carries a join status (``ok`` with the
        RSSI, or ``join_wrong_password``/``join_not_found``/``join_timed_out``)."""
        payload = tm.encode_join_request(JoinRequest(ssid, security, password, timeout_s))
        frame = self._exchange(Command.JOIN, payload, timeout_s + JOIN_MARGIN, join=True)
        result = self._decode(frame, "JOIN", tm.decode_join_reply)
        if result.status not in JOIN_OUTCOMES:
            raise TestModeRefused("JOIN", result.status)
        return result

    def scan(self) -> list[ScannedNetwork]:
        return self._checked(Command.SCAN, tm.decode_scan_reply, timeout=self._slow())

    def rssi(self) -> Link:
        """RSSI of the joined network; :class:`TestModeRefused` (``not_connected``) if none."""
        return self._checked(Command.RSSI, tm.decode_rssi_reply)

    def clear_credentials(self) -> None:
        self._checked(Command.CLEAR_CREDENTIALS, _status_only)

    def led(self, rgb: tuple[int, int, int] | None) -> None:
        """Hold the LED at ``rgb`` until the next call; None gives it back to the system."""
        r, g, b = rgb if rgb is not None else (0, 0, 0)
        payload = tm.encode_led_request(LedRequest(r, g, b, rgb is not None))
        self._checked(Command.LED, _status_only, payload)

    def button(self) -> ButtonState:
        return self._checked(Command.BUTTON, tm.decode_button_reply)

    # --- low level ----------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (a test station probing the unit's frame checks)."""
        self._line.write(data)

    def next_frame(self, timeout: float) -> Frame | None:
        """The next frame the unit sends that no request took, or None after ``timeout``."""
        return self._line.next_frame(time.monotonic() + timeout)

    def discard_frames(self) -> None:
        self._line.discard_frames()

    def request(self, command: int, payload: bytes = b"", timeout: float | None = None) -> Frame:
        """Send one request and return its reply frame, undecoded (resent as for any
        command); :class:`UnitNotAnswering` if none comes."""
        return self._exchange(command, payload, timeout or self.timeout)

    # --- plumbing -----------------------------------------------------------------------

    def _slow(self) -> float:
        return max(self.timeout, SLOW_COMMAND_TIMEOUT)

    def _next_seq(self) -> int:
        self._seq = self._seq % 255 + 1
        return self._seq

    def _checked(
        self,
        command: Command,
        decode: Any,
        payload: bytes = b"",
        timeout: float | None = None,
        *,
        resend_on_silence: bool = True,
    ) -> Any:
        frame = self._exchange(
            command, payload, timeout or self.timeout, resend_on_silence=resend_on_silence
        )
        reply = self._decode(frame, command.name, decode)
        if not reply.ok:
            raise TestModeRefused(command.name, reply.status)
        return reply.body

    def _exchange(
        self,
        command: int,
        payload: bytes,
        timeout: float,
        *,
        resend_on_silence: bool = True,
        join: bool = False,
    ) -> Frame:
        """Send, and resend on a FRAME_ERROR for this request (its sequence number, or 0
        when the unit read none) or, if ``resend_on_silence``, when no reply came."""
        name = _name(command)
        seq = self._next_seq()
        wire = tm.encode_frame(command, seq, payload)
        want = tm.reply_type(command)
        tries = self.retries + 1
        for attempt in range(tries):
            self._line.discard_frames()
            self._line.write(wire)
            log.debug("sent %s seq %d (%d bytes), try %d", name, seq, len(payload), attempt + 1)
            deadline = time.monotonic() + timeout
            rejected = False
            while (frame := self._line.next_frame(deadline)) is not None:
                if frame.type == want and frame.seq == seq:
                    if join and attempt and frame.payload[:1] == bytes([Status.BUSY]):
                        continue  # the resent JOIN met the first one running: its reply follows
                    return frame
                if frame.type == Command.FRAME_ERROR and frame.seq in (seq, 0):
                    log.debug("FRAME_ERROR seq %d while %s was out: resending", frame.seq, name)
                    rejected = True
                    break
            if self._line.failure is not None or not (rejected or resend_on_silence):
                break
        gone = f"; the port failed: {self._line.failure}" if self._line.failure else ""
        hint = "" if self.hello is not None else " (not in test mode: call enter() first)"
        raise UnitNotAnswering(
            f"no reply to {name} within {timeout:.1f} s, {attempt + 1} tries{hint}{gone}"
        )

    @staticmethod
    def _decode(frame: Frame, name: str, decode: Any) -> Any:
        try:
            return decode(frame.payload)
        except tm.TestModePayloadError as exc:
            raise TestModeProtocolError(f"the {name} reply does not decode: {exc}") from None


def _status_only(payload: bytes) -> tm.Reply[None]:
    # REBOOT, FACTORY_RESET, CLEAR_CREDENTIALS and LED replies carry a status only
    return tm.decode_reply(tm.reply_type(Command.REBOOT), payload)


def _name(command: int) -> str:
    try:
        return Command(command).name
    except ValueError:
        return f"request 0x{command:02x}"
