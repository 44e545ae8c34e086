"""Request bodies and reply models of the SoftAP commands (softap spec §4, §5), plus the
harken extension ``connect-status``.

The device copies request strings without JSON unescaping (except the ``crt`` and ``ca``
PEM fields) and writes reply strings without escaping, so bodies are built to contain only
strings that survive that, and a scan reply that is not valid JSON (an SSID with a quote in
it) is read with an exact model of the entry the device writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from construct import Const, ConstructError, GreedyRange, Optional, Struct

from harken.protocol.console_replies import TextUntil
from harken.protocol.softap.format_errors import ReplyFormatError
from harken.protocol.softap.framing import DecimalText
from harken.protocol.softap.security import security_label

UNESCAPED_FIELDS = frozenset({"crt", "ca"})
"""configure-ap fields the device JSON-unescapes (so any ASCII text can be sent)."""
CLAIM_CODE_MAX = 63
SSID_MAX = 32

# --- result codes ------------------------------------------------------------------------------

CONFIGURE_RESULTS: dict[int, str] = {
    0: "stored",
    -2: "the device's scan does not see the network (WPA/WPA2 needs it to)",
    -3: "the SSID length is invalid",
    -4: "the passphrase was rejected (WEP key not 5-58 characters, WPA/WPA2 passphrase not "
    "8-64, or, on a harken device, it did not decrypt)",
    -16640: "the device could not decrypt the password (RSA padding check failed)",
    1: "the enterprise credentials are invalid",
}
SET_RESULTS: dict[int, str] = {
    0: "stored",
    -1: "empty key or value, or a key other than 'cc'",
}


HARKEN_RESULTS: dict[int, str] = {
    -400: "the device found the request malformed",
    -404: "the device does not know this command",
    -408: "the request did not arrive in time",
    -413: "the request body is too large for the device",
}
"""Codes a harken device answers with where Device OS closes silently or hangs."""
UNKNOWN_COMMAND = -404


def result_meaning(command: str, code: int) -> str:
    """What a result code means for ``command`` (spec §5.4, §5.6, §5.7, and harken's
    answers to malformed requests)."""
    if code == 0:
        return "success"
    if code in HARKEN_RESULTS:
        return HARKEN_RESULTS[code]
    if command == "configure-ap":
        if code in CONFIGURE_RESULTS:
            return CONFIGURE_RESULTS[code]
        if code < 0:
            return f"the device's RSA decryption failed (mbedTLS error -0x{-code:04x})"
        return f"the device could not store the credentials (error {code})"
    if command == "set":
        return SET_RESULTS.get(code, f"the device could not store the value (error {code})")
    if command == "public-key" and code == 1:
        return "the device's key is not available"
    return f"the device refused the request (result {code})"


# --- request bodies ----------------------------------------------------------------------------


def check_raw_string(what: str, value: str) -> None:
    """ValueError if the device would not receive ``value`` as is: it takes string bytes
    between the quotes literally, so ``"`` and ``\\`` (which JSON must escape) and control
    characters cannot be sent faithfully."""
    bad = [c for c in value if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F]
    if bad:
        kind = "a quote or backslash" if bad[0] in '"\\' else "a control character"
        raise ValueError(
            f"the {what} contains {kind}, which the device cannot receive over SoftAP "
            "(it does not unescape JSON strings); use the serial console instead"
        )


def encode_body(fields: Mapping[str, str | int]) -> bytes:
    """A compact JSON object in UTF-8. Strings are written raw (see :func:`check_raw_string`,
    checked here with the key as the name) except ``crt``/``ca``, which are JSON-escaped."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError(f"field {key!r} must be a string or an integer")
        if isinstance(value, str) and key not in UNESCAPED_FIELDS:
            check_raw_string(f"'{key}' field", value)
        if isinstance(value, str) and key in UNESCAPED_FIELDS and not value.isascii():
            raise ValueError(f"the '{key}' field must be ASCII")
        parts.append(f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False)}")
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def claim_code_body(code: str) -> bytes:
    """``set`` body for a claim code; ValueError for codes the device would cut or mangle."""
    if not code:
        raise ValueError("the claim code is empty")
    check_raw_string("claim code", code)
    length = len(code.encode("utf-8"))
    if length > CLAIM_CODE_MAX:
        raise ValueError(
            f"the claim code has {length} bytes; the device keeps only {CLAIM_CODE_MAX}"
        )
    return encode_body({"k": "cc", "v": code})


# --- replies -----------------------------------------------------------------------------------


def decode_reply(payload: bytes, command: str) -> dict[str, Any]:
    """The JSON object of a non-empty reply; :class:`ReplyFormatError` otherwise (the
    message never quotes the reply)."""
    try:
        value = json.loads(payload.decode("utf-8", errors="surrogateescape"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ReplyFormatError(f"the {command} reply is not valid JSON") from None
    if not isinstance(value, dict):
        raise ReplyFormatError(f"the {command} reply is not a JSON object")
    return value


def _field(reply: Mapping[str, Any], key: str, kind: type, command: str) -> Any:
    value = reply.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ReplyFormatError(f"the {command} reply has no {kind.__name__} field {key!r}")
    return value


@dataclass(frozen=True)
class DeviceInfo:
    """``device-id``: the device id in lower-case hex (as everywhere else in harken) and
    whether the device is claimed."""

    device_id: str
    claimed: bool

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any]) -> DeviceInfo:
        device_id = _field(reply, "id", str, "device-id")
        if len(device_id) != 24 or any(c not in "0123456789abcdefABCDEF" for c in device_id):
            raise ReplyFormatError("the device-id reply's id is not 24 hex digits")
        return cls(device_id.lower(), reply.get("c") == "1")


@dataclass(frozen=True)
class ScanEntry:
    """One ``scan-ap`` result (one per BSSID, so an SSID may appear more than once)."""

    ssid: str
    rssi: int
    security: int
    channel: int
    mdr: int

    @property
    def security_name(self) -> str:
        return security_label(self.security)

    @classmethod
    def from_reply(cls, entry: Mapping[str, Any]) -> ScanEntry:
        return cls(
            ssid=_field(entry, "ssid", str, "scan-ap"),
            rssi=_field(entry, "rssi", int, "scan-ap"),
            security=_field(entry, "sec", int, "scan-ap") & 0xFFFFFFFF,
            channel=_field(entry, "ch", int, "scan-ap"),
            mdr=_field(entry, "mdr", int, "scan-ap"),
        )


class SignedDecimal(DecimalText):
    """A decimal number with an optional leading minus."""

    def _decode(self, obj: str, context: Any, path: str) -> int:
        negative = obj.startswith("-")
        value = super()._decode(obj[1:] if negative else obj, context, path)
        return -value if negative else value


ScanEntryText = Struct(
    Const(b'{"ssid":"'),
    "ssid" / TextUntil(b'","rssi":'),
    "rssi" / SignedDecimal(TextUntil(b',"sec":')),
    "sec" / SignedDecimal(TextUntil(b',"ch":')),
    "ch" / SignedDecimal(TextUntil(b',"mdr":')),
    "mdr" / SignedDecimal(TextUntil(b"}")),
)
"""One scan entry exactly as Device OS writes it (the SSID unescaped). ``ssid`` is latin-1
text here; :func:`parse_scan` re-reads it as UTF-8."""
ScanReplyText = Struct(
    Const(b'{"scans":['),
    "first" / Optional(ScanEntryText),
    "rest" / GreedyRange(Struct(Const(b","), "entry" / ScanEntryText)),
    Const(b"]}"),
)


def _from_text(entry: Any) -> ScanEntry:
    ssid = entry.ssid.encode("latin-1").decode("utf-8", errors="replace")
    return ScanEntry(ssid, entry.rssi, entry.sec & 0xFFFFFFFF, entry.ch, entry.mdr)


def parse_scan(payload: bytes) -> list[ScanEntry]:
    """The entries of a ``scan-ap`` reply, also when an unescaped SSID broke the JSON."""
    try:
        reply = json.loads(payload.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        try:
            text = ScanReplyText.parse(payload)
        except ConstructError:
            raise ReplyFormatError("the scan-ap reply is not valid JSON") from None
        if text.first is None:
            return []
        return [_from_text(text.first)] + [_from_text(e.entry) for e in text.rest]
    if not isinstance(reply, dict) or not isinstance(reply.get("scans"), list):
        raise ReplyFormatError("the scan-ap reply has no 'scans' list")
    return [ScanEntry.from_reply(e) for e in reply["scans"] if isinstance(e, dict)]


CONNECT_STATES = ("idle", "joining", "connected", "failed")
JOIN_REASONS = ("wrong-password", "network-not-found", "timeout", "cancelled")


@dataclass(frozen=True)
class ConnectStatus:
    """harken's ``connect-status``: the latest join attempt since boot.

    ``attempt`` counts attempts (0 = none yet, ``state`` idle); ``ssid`` is set once an
    attempt started; ``reason`` (``wrong-password``, ``network-not-found``, ``timeout``,
    ``cancelled``) only when ``state`` is ``failed``.
    """

    attempt: int
    state: str
    ssid: str | None = None
    reason: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("connected", "failed")

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any]) -> ConnectStatus:
        attempt = _field(reply, "attempt", int, "connect-status")
        state = _field(reply, "state", str, "connect-status")
        ssid = reply.get("ssid")
        reason = reply.get("reason")
        return cls(
            attempt=attempt,
            state=state,
            ssid=ssid if isinstance(ssid, str) else None,
            reason=reason if isinstance(reason, str) else None,
        )

    def to_reply(self) -> dict[str, Any]:
        """The reply a device sends for this status (``r`` first, absent fields left out)."""
        reply: dict[str, Any] = {"r": 0, "attempt": self.attempt, "state": self.state}
        if self.ssid is not None:
            reply["ssid"] = self.ssid
        if self.reason is not None:
            reply["reason"] = self.reason
        return reply
