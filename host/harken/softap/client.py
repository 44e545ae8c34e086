"""SoftApClient: the SoftAP commands of a Photon or P1 in listening mode (softap spec §2-§5).

Every command is one fresh connection: TCP (``name LF length LF LF body``, reply read until
the device closes) or HTTP (GET, or POST with a form Content-Type for bodies; the chunked
reply is de-chunked and the connection closed). Replies are checked: an empty one raises
:class:`NoReply`, ``{"r": non-zero}`` raises :class:`Rejected`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from harken.protocol.softap import framing, http_framing
from harken.protocol.softap.format_errors import ReplyFormatError
from harken.protocol.softap.messages import (
    SSID_MAX,
    ConnectStatus,
    DeviceInfo,
    ScanEntry,
    check_raw_string,
    claim_code_body,
    decode_reply,
    encode_body,
    parse_scan,
    result_meaning,
)
from harken.protocol.softap.public_key import (
    decode_public_key,
    device_pem,
    encrypt_private_key,
    encrypt_secret,
)
from harken.protocol.softap.security import (
    EAP_PEAP,
    EAP_TLS,
    eap_type_value,
    is_enterprise,
    security_value,
    wire_security,
)
from harken.softap.errors import NoReply, Rejected, SoftApError, SoftApTimeout, SoftApUnreachable
from harken.transport.serial_port import ReadTimeout
from harken.transport.socket_exchange import ConnectFailed, exchange

DEFAULT_HOST = "192.168.0.1"
DEFAULT_TIMEOUT = 8.0
"""Per request, as Particle's SoftAP library."""
SCAN_TIMEOUT = 30.0
"""scan-ap streams a scan of several seconds; configure-ap may scan twice (spec §5.4)."""
CONNECT_STATUS = "connect-status"

log = logging.getLogger(__name__)


class SoftApClient:
    """One device's SoftAP. Holds no connection between commands; the device key read by
    :meth:`public_key` is kept for :meth:`configure`."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        *,
        http: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        scan_timeout: float = SCAN_TIMEOUT,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.host = host
        self.http = http
        self.port = (
            port
            if port is not None
            else (http_framing.DEFAULT_HTTP_PORT if http else framing.DEFAULT_TCP_PORT)
        )
        self.timeout = timeout
        self.scan_timeout = max(scan_timeout, timeout)
        self._public_key: RSAPublicKey | None = None

    def __repr__(self) -> str:
        scheme = "http" if self.http else "tcp"
        return f"SoftApClient({scheme}://{self.host}:{self.port})"

    # --- plumbing -----------------------------------------------------------------------

    def request(
        self, name: str, body: bytes | None = None, *, timeout: float | None = None
    ) -> bytes:
        """Send one command; return the reply's JSON text (empty if the device sent none).

        Over TCP a missing body is sent as length 0; over HTTP it makes the request a GET.
        """
        timeout = self.timeout if timeout is None else timeout
        log.info("%s: %s (%d-byte body)", self, name, len(body or b""))
        try:
            if self.http:
                return self._http_request(name, body, timeout)
            raw = exchange(self.host, self.port, framing.encode_request(name, body or b""), timeout)
            return framing.reply_payload(raw)
        except ConnectFailed as exc:
            hint = "" if not exc.refused else " (is the device in listening mode?)"
            raise SoftApUnreachable(f"{name}: {exc}{hint}", refused=exc.refused) from None
        except ReadTimeout as exc:
            raise SoftApTimeout(f"{name}: {exc}") from None

    def _http_request(self, name: str, body: bytes | None, timeout: float) -> bytes:
        request = http_framing.encode_http_request(name, body, self.host, self.port)
        raw = exchange(self.host, self.port, request, timeout, http_framing.response_complete)
        try:
            response = http_framing.parse_http_response(raw, at_eof=True)
        except ValueError as exc:
            if not raw:
                return b""  # closed without a word: same as an empty TCP reply
            raise ReplyFormatError(f"{name}: {exc}") from None
        body = response.body.strip(b" \t\r\n")
        if response.status == 200 or (body.startswith(b"{") and b'"r"' in body):
            return body  # a harken device explains a refusal in JSON, with an error status
        if response.status == 404:
            raise NoReply(f"{name}: the device does not know this command (HTTP 404)")
        raise SoftApError(f"{name}: the device answered HTTP {response.status}")

    def command(
        self,
        name: str,
        fields: Mapping[str, str | int] | None = None,
        *,
        timeout: float | None = None,
        body: bytes | None = None,
    ) -> dict[str, Any]:
        """Send a command with a JSON body built from ``fields`` (or a prepared ``body``);
        return the reply object. Raises :class:`NoReply` for an empty reply and
        :class:`Rejected` for a non-zero ``r``."""
        if fields is not None:
            body = encode_body(fields)
        payload = self.request(name, body, timeout=timeout)
        if not payload:
            what = "request body" if body else "command"
            raise NoReply(
                f"{name}: the device sent no reply (it does not know the command, "
                f"or rejected the {what})"
            )
        reply = decode_reply(payload, name)
        code = reply.get("r", 0)
        if not isinstance(code, int) or isinstance(code, bool):
            raise ReplyFormatError(f"{name}: the reply's result code is not an integer")
        if code != 0:
            detail = reply.get("error")
            detail = detail if isinstance(detail, str) else None
            raise Rejected(name, code, result_meaning(name, code), detail)
        return reply

    # --- queries ------------------------------------------------------------------------

    def version(self) -> int:
        """``version``: the protocol version (2 on Device OS)."""
        reply = self.command("version")
        value = reply.get("v")
        if not isinstance(value, int) or isinstance(value, bool):
            raise ReplyFormatError("the version reply has no integer 'v'")
        return value

    def device_info(self) -> DeviceInfo:
        """``device-id``: device id (lower-case hex) and claimed flag."""
        return DeviceInfo.from_reply(self.command("device-id"))

    def public_key(self, *, refresh: bool = False) -> RSAPublicKey:
        """``public-key``: the device's RSA-1024 key, checked to be in the 294-byte padded
        form. Kept for encrypting passwords; ``refresh`` asks the device again."""
        if self._public_key is None or refresh:
            reply = self.command("public-key")
            hex_text = reply.get("b")
            if not isinstance(hex_text, str):
                raise ReplyFormatError("the public-key reply has no string 'b'")
            self._public_key = decode_public_key(hex_text)
        return self._public_key

    def scan(self) -> list[ScanEntry]:
        """``scan-ap``: the networks the device sees (one entry per access point)."""
        payload = self.request("scan-ap", timeout=self.scan_timeout)
        if not payload:
            raise NoReply("scan-ap: the device sent no reply")
        return parse_scan(payload)

    def connect_status(self, *, timeout: float | None = None) -> ConnectStatus:
        """harken's ``connect-status``: the latest join attempt. A stock Device OS device
        does not know the command: :class:`NoReply`."""
        return ConnectStatus.from_reply(self.command(CONNECT_STATUS, timeout=timeout))

    # --- changes ------------------------------------------------------------------------

    def set_claim_code(self, code: str) -> None:
        """``set`` ``cc``: store a claim code (at most 63 bytes; the device does not check)."""
        self.command("set", body=claim_code_body(code))
        log.info("claim code set (%d characters)", len(code))

    def configure(
        self,
        ssid: str,
        *,
        security: int | str,
        channel: int = 0,
        password: str | None = None,
        eap_type: str | int | None = None,
        inner_identity: str | None = None,
        outer_identity: str | None = None,
        ca_pem: str | None = None,
        client_cert_pem: str | None = None,
        private_key_pem: str | None = None,
    ) -> None:
        """``configure-ap``: store credentials in slot 0 (the device does not join yet).

        ``security`` is a WICED value or a name (``wpa2_aes``, ``open`` …; see
        :mod:`harken.protocol.softap.security`). The password is RSA-encrypted with the
        device key (read first if needed). Enterprise: ``eap_type`` ``peap`` (with
        ``inner_identity`` and ``password``) or ``tls`` (with ``client_cert_pem`` and
        ``private_key_pem``, the key sent AES-encrypted); ``outer_identity`` and ``ca_pem``
        are optional. Raises :class:`Rejected` with the device's result code.
        """
        fields = self.configure_fields(
            ssid,
            security=security,
            channel=channel,
            password=password,
            eap_type=eap_type,
            inner_identity=inner_identity,
            outer_identity=outer_identity,
            ca_pem=ca_pem,
            client_cert_pem=client_cert_pem,
            private_key_pem=private_key_pem,
        )
        self.command("configure-ap", fields, timeout=self.scan_timeout)

    def configure_fields(
        self,
        ssid: str,
        *,
        security: int | str,
        channel: int = 0,
        password: str | None = None,
        eap_type: str | int | None = None,
        inner_identity: str | None = None,
        outer_identity: str | None = None,
        ca_pem: str | None = None,
        client_cert_pem: str | None = None,
        private_key_pem: str | None = None,
    ) -> dict[str, str | int]:
        """The configure-ap body fields (secrets encrypted); see :meth:`configure`."""
        check_raw_string("SSID", ssid)
        if not 1 <= len(ssid.encode("utf-8")) <= SSID_MAX:
            raise ValueError(f"the SSID must have 1-{SSID_MAX} bytes")
        value = security_value(security) if isinstance(security, str) else security & 0xFFFFFFFF
        if not 0 <= channel <= 255:
            raise ValueError("the channel must be 0-255 (0: unknown)")
        if password is not None and "\x00" in password:
            raise ValueError("the password contains a NUL character, which ends it on the device")
        fields: dict[str, str | int] = {
            "idx": 0,
            "ssid": ssid,
            "sec": wire_security(value),
            "ch": channel,
        }
        if password:
            fields["pwd"] = encrypt_secret(self.public_key(), password.encode("utf-8"))
        if not is_enterprise(value):
            if eap_type is not None or client_cert_pem or private_key_pem or inner_identity:
                raise ValueError("EAP settings need a WPA/WPA2 Enterprise security")
            return fields
        if eap_type is None:
            eap_type = "tls" if client_cert_pem else "peap"
        eap = eap_type_value(eap_type)
        fields["eap"] = eap
        if eap == EAP_PEAP:
            if not inner_identity or not password:
                raise ValueError("PEAP needs an inner identity (username) and a password")
            check_raw_string("inner identity", inner_identity)
            fields["ii"] = inner_identity
        elif eap == EAP_TLS:
            if not client_cert_pem or not private_key_pem:
                raise ValueError("EAP-TLS needs a client certificate and a private key")
            fields["crt"] = device_pem(client_cert_pem).decode("ascii")
            encrypted = encrypt_private_key(self.public_key(), private_key_pem)
            fields["ek"] = encrypted.ek
            fields["key"] = encrypted.key
        if outer_identity:
            check_raw_string("outer identity", outer_identity)
            fields["oi"] = outer_identity
        if ca_pem:
            fields["ca"] = device_pem(ca_pem).decode("ascii")
        return fields

    def connect(self) -> None:
        """``connect-ap``: leave listening mode and join the stored network. The reply
        comes before the join; use :meth:`connect_status` (harken devices) to follow it."""
        self.command("connect-ap", {"idx": 0})
