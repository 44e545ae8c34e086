"""ConsoleClient: the serial setup console of a Gen 2 device in listening mode.

Every command discards stale input, sends one command byte and reads the reply with an
explicit timeout. Defaults follow particle-cli where it has one.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from harken.console.errors import (
    ClaimCodeRejected,
    ConsoleTimeout,
    UnsupportedCommand,
)
from harken.console.wifi_dialog import PasswordSource, WifiDialog, WifiRequest, WifiResult
from harken.protocol import console as texts
from harken.protocol.describe import SystemDescribe, parse_describe
from harken.protocol.platform import platform_by_id
from harken.transport.discovery import LISTEN_SETTLE, enter_listening_mode
from harken.transport.serial_port import ReadTimeout, SerialPort

log = logging.getLogger(__name__)

JSON_END = b"}\r\n"


class ConsoleClient:
    """Commands of the listening-mode serial console over an open :class:`SerialPort`."""

    def __init__(self, port: SerialPort) -> None:
        self._port = port
        self._platform_id: int | None = None

    @classmethod
    def open(cls, url: str) -> ConsoleClient:
        """Open ``url`` (any pyserial URL) at 9600 baud and wrap it."""
        return cls(SerialPort(url))

    @property
    def port(self) -> SerialPort:
        """The underlying port."""
        return self._port

    def close(self) -> None:
        """Close the port."""
        self._port.close()

    def __enter__(self) -> ConsoleClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- plumbing -----------------------------------------------------------------------

    def _send(self, command: bytes) -> None:
        self._port.discard_input()
        self._port.write(command)

    def _expect(self, expected: bytes, timeout: float, what: str) -> bytes:
        try:
            return self._port.read_until(expected, timeout)
        except ReadTimeout:
            raise ConsoleTimeout(
                f"no complete {what} reply within {timeout:.1f} s "
                "(is the device in listening mode?)"
            ) from None

    def _batch(self, timeout: float, what: str) -> bytes:
        try:
            return self._port.read_batch(timeout=timeout)
        except ReadTimeout:
            raise ConsoleTimeout(
                f"no {what} reply within {timeout:.1f} s (is the device in listening mode?)"
            ) from None

    # --- queries ------------------------------------------------------------------------

    def identify(self, timeout: float = 20.0) -> texts.Identity:
        """``i``: device id, plus IMEI/ICCID/serial number/secret/radio version if any."""
        self._send(texts.CMD_IDENTIFY)
        return texts.parse_identify(self._batch(timeout, "identify"))

    def mac(self, timeout: float = 5.0) -> str:
        """``m``: the MAC address (all zeros on an Electron)."""
        self._send(texts.CMD_MAC)
        reply = self._expect(texts.MAC_PREFIX, timeout, "MAC")
        reply += self._expect(texts.LINE_END, timeout, "MAC")
        return texts.parse_mac(reply)

    def version(self, timeout: float = 5.0) -> texts.FirmwareVersion:
        """``v``: the system firmware version."""
        self._send(texts.CMD_VERSION)
        return texts.parse_version(self._expect(texts.VERSION_END, timeout, "version"))

    def inspect(self, timeout: float = 20.0) -> SystemDescribe:
        """``s``: platform id and module information."""
        self._send(texts.CMD_DESCRIBE)
        describe = parse_describe(self._expect(JSON_END, timeout, "system describe"))
        self._platform_id = describe.platform_id
        return describe

    def diagnostics(self, timeout: float = 10.0) -> dict[str, Any]:
        """``d``: diagnostic source name → value."""
        self._send(texts.CMD_DIAGNOSTICS)
        return texts.parse_diagnostics(self._expect(JSON_END, timeout, "diagnostics"))

    def claimed(self, timeout: float = 5.0) -> bool:
        """``c``: whether the device's claimed flag is set."""
        self._send(texts.CMD_CLAIMED)
        reply = self._expect(texts.CLAIMED_PREFIX, timeout, "claimed")
        reply += self._expect(texts.LINE_END, timeout, "claimed")
        return texts.parse_claimed(reply)

    def platform_id(self, timeout: float = 20.0) -> int:
        """The platform id from ``s`` (asked once, then remembered)."""
        if self._platform_id is None:
            self.inspect(timeout)
        assert self._platform_id is not None
        return self._platform_id

    # --- changes ------------------------------------------------------------------------

    def set_claim_code(self, code: str, timeout: float = 5.0) -> None:
        """``C``: store a claim code (the device requires exactly 63 characters).

        Raises :class:`ClaimCodeRejected` if the device refuses it or stores something else.
        """
        raw = code.encode("utf-8")
        if any(b in texts.FORBIDDEN_ANSWER_BYTES for b in raw):
            raise ValueError("the claim code contains a line-ending, editing or NUL character")
        if len(raw) > texts.CLAIM_CODE_LENGTH:
            # The device would keep the first 63 bytes and store them, replacing any pending
            # code with a wrong one: never send it.
            raise ClaimCodeRejected(
                f"the claim code must be exactly {texts.CLAIM_CODE_LENGTH} characters "
                f"(this one has {len(raw)}); not sent"
            )
        self._send(texts.CMD_SET_CLAIM_CODE)
        self._expect(texts.CLAIM_PROMPT, timeout, "claim-code prompt")
        self._port.write(raw + texts.ANSWER_END)
        self._expect(texts.LINE_END, timeout, "claim-code echo")
        try:
            index, _ = self._port.read_until_any(
                (texts.CLAIM_SET_PREFIX, texts.CLAIM_REJECTED), timeout
            )
        except ReadTimeout:
            raise ConsoleTimeout(f"no claim-code confirmation within {timeout:.1f} s") from None
        if index == 1:
            self._expect(texts.LINE_END, timeout, "claim-code result")
            raise ClaimCodeRejected(
                f"the device rejected the claim code: it must be exactly "
                f"{texts.CLAIM_CODE_LENGTH} characters (this one has {len(raw)})"
            )
        stored = self._expect(texts.LINE_END, timeout, "claim-code result")[: -len(texts.LINE_END)]
        if stored != raw:
            raise ClaimCodeRejected(
                f"the device stored a different claim code than the one sent "
                f"({len(stored)} of {len(raw)} characters)"
            )
        log.info("claim code set (%d characters)", len(raw))

    def configure_wifi(
        self,
        ssid: str,
        security: str | None = None,
        cipher: str | None = None,
        password: PasswordSource = None,
        *,
        eap_type: str | None = None,
        username: str | None = None,
        outer_identity: str | None = None,
        client_cert_pem: str | None = None,
        private_key_pem: str | None = None,
        root_ca_pem: str | None = None,
        check_platform: bool = True,
        prompt_timeout: float = 5.0,
        step_timeout: float = 60.0,
    ) -> WifiResult:
        """``w``: store Wi-Fi credentials by answering the device's prompts.

        ``security``: None (the device's scan decides; if it asks: WPA2 with a password,
        open without), ``open``, ``wep``, ``wpa``, ``wpa2``, ``wpa-enterprise`` or
        ``wpa2-enterprise``. ``cipher``: None (AES if asked), ``aes``, ``tkip``, ``aes+tkip``.
        ``password`` may be a callable, asked only if the device prompts for a password.
        ``eap_type``: ``peap`` (username + password) or ``tls`` (client certificate + key).
        ``step_timeout`` covers the device's scans (up to 30 s) and the save.

        With ``check_platform`` the device is asked for its platform first (``s``) and an
        Electron is refused with :class:`UnsupportedCommand`. On success the device leaves
        listening mode and joins the network. Raises :class:`WifiSaveFailed` if the device
        reports that saving failed.
        """
        request = WifiRequest(
            ssid=ssid,
            security=security,
            cipher=cipher,
            password=password,
            eap_type=eap_type,
            username=username,
            outer_identity=outer_identity,
            client_cert_pem=client_cert_pem,
            private_key_pem=private_key_pem,
            root_ca_pem=root_ca_pem,
        )
        request.validate()
        if check_platform:
            platform = platform_by_id(self.platform_id())
            if platform is not None and not platform.has_wifi:
                raise UnsupportedCommand(
                    f"the {platform.product} console has no Wi-Fi dialog ('w')"
                )
        dialog = WifiDialog(
            self._port, request, prompt_timeout=prompt_timeout, step_timeout=step_timeout
        )
        return dialog.run()

    # --- listening mode -----------------------------------------------------------------

    def listen(self, settle: float = LISTEN_SETTLE) -> None:
        """Enter listening mode with the 28800-baud trick, then reopen the port."""
        url = self._port.url
        self._port.close()
        enter_listening_mode(url, settle)
        self._port.open()

    def exit_listening(self) -> None:
        """``x``: leave listening mode (no reply)."""
        self._send(texts.CMD_EXIT)
