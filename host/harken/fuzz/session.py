"""One device under fuzz: send a case's messages, then judge what happened — the device
process, sanitizer lines in its log, the framing of its replies, whether it still answers,
and its stored configuration."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from harken.fuzz.case import Message
from harken.fuzz.config_watch import ConfigSnapshot, changes, snapshot
from harken.fuzz.device import FuzzDevice, FuzzDeviceError
from harken.fuzz.liveness import (
    console_id,
    escape_dialogue,
    reenter_listening,
    softap_id,
)
from harken.fuzz.pace import Pace
from harken.fuzz.replies import allowed_by, broken_reply
from harken.fuzz.wire import Exchange, send_connection, send_console
from harken.transport.serial_port import SerialPort, TransportError

YMODEM_STARTS = (b"\x01", b"\x02", b"f")
SETTLE_REREAD = 0.2
"""A store read that caught a write half-way is read again after this long."""
SOFTAP_UP_TIMEOUT = 15.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """Something the device should not have done. ``kind``: crash, sanitizer, hang,
    wrong-id, bad-reply or config."""

    kind: str
    detail: str


class FuzzSession:
    """The device under test and the checks after each case."""

    def __init__(self, device: FuzzDevice, target: str, pace: Pace) -> None:
        self.device = device
        self.target = target
        self.pace = pace
        self.port: SerialPort | None = None
        self.device_id: str | None = None
        self.config: ConfigSnapshot | None = None
        self.recoveries = 0
        """Cases after which the console had to be put back into listening mode."""

    # --- life cycle ---------------------------------------------------------------------

    def open(self) -> None:
        self.device.start()
        self._attach()

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None
        self.device.stop()

    def reset(self) -> None:
        """After a finding: an emulated device is started again (killed if it is stuck), a
        board is put back into listening mode."""
        if self.port is not None:
            self.port.close()
            self.port = None
        self.device.restart()
        self._attach()

    def _attach(self) -> None:
        url = self.device.console_url
        if url is not None:
            self.port = SerialPort(url)
            found = console_id(self.port, 1.0) or reenter_listening(self.port, self.pace)
            if found is None:
                raise FuzzDeviceError(f"the console on {url} does not answer 'i'")
            self.device_id = self.device_id or found
        if self.target == "softap":
            endpoint = self.device.softap
            if endpoint is None:
                raise FuzzDeviceError(
                    "this device has no reachable SoftAP (the Electron has none; a board "
                    "needs --softap-host once this host has joined its setup network)"
                )
            found = softap_id(endpoint, SOFTAP_UP_TIMEOUT)
            if found is None:
                raise FuzzDeviceError(
                    f"the SoftAP at {endpoint.host}:{endpoint.tcp_port} does not answer"
                )
            self.device_id = self.device_id or found
        image = self.device.config_image()
        if image is not None:
            taken = snapshot(image)
            if isinstance(taken, str):
                raise FuzzDeviceError(
                    f"the device's configuration is broken before fuzzing: {taken}"
                )
            self.config = taken

    # --- one case -----------------------------------------------------------------------

    def run(self, messages: Sequence[Message]) -> Finding | None:
        exchanges: list[Exchange] = []
        for message in messages:
            exchange = self._send(message)
            exchanges.append(exchange)
            if exchange.error and self.device.exit_status() is not None:
                break
        return self._check(exchanges)

    def _send(self, message: Message) -> Exchange:
        if message.channel == "console":
            if self.port is None:
                return Exchange(message, b"", error="the device has no console")
            return send_console(self.port, message, self.pace)
        endpoint = self.device.softap
        if endpoint is None:
            return Exchange(message, b"", error="the device has no SoftAP")
        return send_connection(endpoint, message, self.pace)

    def _check(self, exchanges: list[Exchange]) -> Finding | None:
        gone = self._gone()
        if gone is not None:
            return gone
        if self.device.emulated:
            for exchange in exchanges:
                why = broken_reply(exchange)
                if why is not None:
                    return Finding("bad-reply", f"{exchange.message.note}: {why}")
        said = self._settle_console(exchanges)
        exchanges.append(Exchange(Message("console", b"", note="escape"), said))
        alive = self._alive()
        if alive is not None:
            return alive
        return self._check_config(exchanges)

    def _gone(self) -> Finding | None:
        report = self.device.sanitizer_report()
        status = self.device.exit_status()
        if report is not None:
            return Finding("sanitizer", report + (f"; {status}" if status else ""))
        if status is not None:
            return Finding("crash", status)
        return None

    def _settle_console(self, exchanges: list[Exchange]) -> bytes:
        if self.port is None or self.target == "softap":
            return b""
        sent = b"".join(e.message.data for e in exchanges if e.message.channel == "console")
        context = b"".join(e.reply for e in exchanges if e.message.channel == "console")
        receiver = self.target == "ymodem" or any(b in sent for b in YMODEM_STARTS)
        return escape_dialogue(self.port, self.pace, context, flush_receiver=receiver)

    def _alive(self) -> Finding | None:
        if self.target == "softap":
            return self._softap_alive()
        return self._console_alive()

    def _console_alive(self) -> Finding | None:
        assert self.port is not None
        found = console_id(self.port, max(0.5, 10 * self.pace.console_quiet))
        if found is None:
            if (gone := self._gone()) is not None:
                return gone
            found = reenter_listening(self.port, self.pace)
            if found is None:
                escape_dialogue(self.port, self.pace, b"", flush_receiver=True, force=True)
                found = console_id(self.port, self.pace.probe_timeout)
            if found is None:
                return self._gone() or Finding(
                    "hang", "the console stopped answering 'i' (also after the 28800-baud trick)"
                )
            self.recoveries += 1
        if self.device_id is not None and found != self.device_id:
            return Finding("wrong-id", "the console answered 'i' with another device id")
        return None

    def _softap_alive(self) -> Finding | None:
        endpoint = self.device.softap
        found = softap_id(endpoint, self.pace.probe_timeout) if endpoint else None
        if found is None:
            if (gone := self._gone()) is not None:
                return gone
            if self.port is not None and reenter_listening(self.port, self.pace) is not None:
                endpoint = self.device.softap
                found = softap_id(endpoint, SOFTAP_UP_TIMEOUT) if endpoint else None
                self.recoveries += 1
            if found is None:
                return self._gone() or Finding("hang", "the SoftAP stopped answering device-id")
        if self.device_id is not None and found != self.device_id:
            return Finding("wrong-id", "device-id answered with another device id")
        return None

    def _check_config(self, exchanges: list[Exchange]) -> Finding | None:
        if self.config is None:
            return None
        allowed = allowed_by(exchanges)
        problems: list[str] = []
        for attempt in range(2):
            if attempt:
                time.sleep(SETTLE_REREAD)
            image = self.device.config_image()
            taken = snapshot(image) if image is not None else "dct.bin cannot be read"
            if isinstance(taken, str):
                problems = [taken]
                continue
            problems = changes(self.config, taken, allowed)
            if not problems:
                self.config = taken
                return None
        return Finding("config", "; ".join(problems))

    def probe_port(self) -> None:
        """Drop console bytes left from earlier (before a replay)."""
        if self.port is not None:
            try:
                self.port.discard_input()
            except TransportError:
                pass
