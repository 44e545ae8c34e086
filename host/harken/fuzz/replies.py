"""What the device's replies say: acknowledgements that allow a configuration change, and
replies whose framing is broken (a harken device promises ``\\n\\n`` + one JSON object over
TCP and an HTTP status line over HTTP, whatever it was sent)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from harken.fuzz.config_watch import Allowed
from harken.fuzz.wire import Exchange
from harken.protocol import console as texts

SUCCESS = b'"r":0'


def allowed_by(exchanges: Iterable[Exchange]) -> Allowed:
    """The configuration changes the device acknowledged in these exchanges."""
    claim = credentials = False
    for exchange in exchanges:
        reply, request = exchange.reply, exchange.message.data
        if exchange.message.channel == "console":
            claim = claim or texts.CLAIM_SET_PREFIX in reply
            credentials = credentials or texts.WIFI_SAVED_MARK in reply
        elif SUCCESS in reply:
            claim = claim or b"set" in request
            credentials = credentials or b"configure-ap" in request
    return Allowed(claim_code=claim, credentials=credentials)


def broken_reply(exchange: Exchange) -> str | None:
    """Why a SoftAP reply breaks the framing harken promises, or None."""
    reply = exchange.reply
    if not reply or exchange.message.channel == "console":
        return None
    if exchange.message.channel == "http":
        if not reply.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")):
            return "the HTTP reply does not start with a status line"
        return None
    if not exchange.closed_by_device:
        return None  # cut short by the fuzzer: not the device's whole answer
    if not reply.startswith(b"\n\n"):
        return "the TCP reply does not start with two LFs"
    payload = reply.strip(b" \t\r\n")
    if not payload:
        return None
    try:
        value = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "the TCP reply is not valid JSON"
    return None if isinstance(value, dict) else "the TCP reply is not a JSON object"
