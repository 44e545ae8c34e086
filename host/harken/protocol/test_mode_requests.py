"""Test-mode request payloads (protocol/test-mode.md, "Types"): JOIN and LED carry fields,
every other request none. The device's checks, as the host models them: a payload that does
not fit is ``bad_payload``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from construct import Check, Int8ul, Int16ul, Int32ul, Struct, Terminated, len_, this

from harken.protocol.test_mode_frame import REPLY_BIT, Command
from harken.protocol.test_mode_payload import (
    TestModePayloadError,
    exact,
    parse_payload,
    raw,
    text8,
)

MAX_SSID = 32
MAX_KEY = 64
MIN_JOIN_TIMEOUT, MAX_JOIN_TIMEOUT = 1, 120

JOIN_REQUEST = Struct(
    "ssid" / text8(),
    Check(len_(this.ssid) <= MAX_SSID),
    "security" / Int32ul,
    "key" / text8(),
    Check(len_(this.key) <= MAX_KEY),
    "timeout_s" / Int16ul,
    Check(lambda ctx: MIN_JOIN_TIMEOUT <= ctx.timeout_s <= MAX_JOIN_TIMEOUT),
    Terminated,
)
LED_REQUEST = Struct(
    "r" / Int8ul, "g" / Int8ul, "b" / Int8ul, "hold" / Int8ul, Check(this.hold <= 1), Terminated
)
EMPTY_REQUEST = Terminated


@dataclass(frozen=True)
class JoinRequest:
    ssid: str
    security: int
    key: str = field(repr=False)
    timeout_s: int


@dataclass(frozen=True)
class LedRequest:
    r: int
    g: int
    b: int
    hold: bool
    """True: the colour stays until the next LED; False: the system gets the LED back."""


def encode_join_request(request: JoinRequest) -> bytes:
    """JOIN's payload; :class:`TestModePayloadError` (naming no key) if a field is out of
    range."""
    ssid, key = raw(request.ssid), raw(request.key)
    if len(ssid) > MAX_SSID:
        raise TestModePayloadError(f"the SSID has {len(ssid)} bytes (at most {MAX_SSID})")
    if len(key) > MAX_KEY:
        raise TestModePayloadError(f"the passphrase has {len(key)} bytes (at most {MAX_KEY})")
    if not MIN_JOIN_TIMEOUT <= request.timeout_s <= MAX_JOIN_TIMEOUT:
        raise TestModePayloadError(
            f"join timeout {request.timeout_s} s is not {MIN_JOIN_TIMEOUT}..{MAX_JOIN_TIMEOUT}"
        )
    if not 0 <= request.security <= 0xFFFFFFFF:
        raise TestModePayloadError(f"security {request.security} is not a u32")
    fields = {"ssid": ssid, "security": request.security, "key": key}
    return JOIN_REQUEST.build(fields | {"timeout_s": request.timeout_s})


def decode_join_request(payload: bytes) -> JoinRequest:
    """A JOIN payload as the device reads it."""
    c = parse_payload(JOIN_REQUEST, payload, "JOIN request")
    return JoinRequest(exact(c.ssid), c.security, exact(c.key), c.timeout_s)


def encode_led_request(request: LedRequest) -> bytes:
    fields = {"r": request.r, "g": request.g, "b": request.b, "hold": int(request.hold)}
    if not all(0 <= v <= 0xFF for v in fields.values()):
        raise TestModePayloadError(f"LED colour {request.r, request.g, request.b} is not 3 bytes")
    return LED_REQUEST.build(fields)


def decode_led_request(payload: bytes) -> LedRequest:
    c = parse_payload(LED_REQUEST, payload, "LED request")
    return LedRequest(c.r, c.g, c.b, bool(c.hold))


def decode_request(type_: int, payload: bytes) -> JoinRequest | LedRequest | None:
    """A request's payload as the device checks it: the value, None for the types without a
    payload, :class:`TestModePayloadError` for a payload that does not fit (``bad_payload``).
    Types that are not requests raise ``ValueError`` (``unknown_command``)."""
    if type_ == Command.JOIN:
        return decode_join_request(payload)
    if type_ == Command.LED:
        return decode_led_request(payload)
    if type_ in _EMPTY_REQUESTS:
        parse_payload(EMPTY_REQUEST, payload, f"{Command(type_).name} request")
        return None
    raise ValueError(f"0x{type_:02x} is not a request type")


_EMPTY_REQUESTS = frozenset(
    c for c in Command if c < REPLY_BIT and c not in (Command.JOIN, Command.LED)
)
