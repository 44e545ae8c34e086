"""Test-mode reply payloads (protocol/test-mode.md, "Types"): a status byte, then the type's
fields only when the status is ``ok`` (a failed JOIN carries its join status and nothing
else); construct models and typed values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from construct import (
    Array,
    Bytes,
    Check,
    Construct,
    ConstructError,
    Container,
    If,
    Int8ul,
    Int16sl,
    Int16ul,
    Int32ul,
    Pass,
    Rebuild,
    Struct,
    Terminated,
    len_,
    this,
)

from harken.protocol.test_mode_frame import REPLY_BIT, Command, Status
from harken.protocol.test_mode_payload import TestModePayloadError, parse_payload, raw, shown, text8

MAX_NETWORKS = 20
DEVICE_ID_SIZE = 12
T = TypeVar("T")


def _reply(body: Construct) -> Construct:
    return Struct("status" / Int8ul, "body" / If(this.status == Status.OK, body), Terminated)


PING_BODY = Struct("version" / Int8ul, "max_payload" / Int16ul)
IDENTIFY_BODY = Struct(
    "device_id" / Bytes(DEVICE_ID_SIZE),
    "platform_id" / Int16ul,
    "product_id" / Int16ul,
    "product_version" / Int16ul,
    "module_function" / Int8ul,
    "module_index" / Int8ul,
    "module_version" / Int16ul,
    "system_version" / text8(),
    "image_sha256" / Bytes(32),
    "mac" / Bytes(6),
    "imei" / text8(),
    "iccid" / text8(),
    "serial_number" / text8(),
)
JOIN_BODY = Struct("rssi" / Int16sl)
NETWORK = Struct("ssid" / text8(), "security" / Int32ul, "channel" / Int8ul, "rssi" / Int16sl)
SCAN_BODY = Struct(
    "count" / Rebuild(Int8ul, len_(this.networks)),
    Check(this.count <= MAX_NETWORKS),
    "networks" / Array(this.count, NETWORK),
)
RSSI_BODY = Struct("rssi" / Int16sl, "ssid" / text8())
BUTTON_BODY = Struct("pressed" / Int8ul, Check(this.pressed <= 1), "presses" / Int16ul)
HELLO_BODY = Struct("version" / Int8ul, "device_id" / Bytes(DEVICE_ID_SIZE))


@dataclass(frozen=True)
class PingInfo:
    version: int
    max_payload: int


@dataclass(frozen=True)
class Identity:
    device_id: str
    """24 lower-case hex digits."""
    platform_id: int
    product_id: int
    product_version: int
    module_function: int
    module_index: int
    module_version: int
    system_version: str
    image_sha256: str | None
    """64 hex digits, or None when the device sent zeros (an image without a SHA-256)."""
    mac: str
    """12 hex digits (zeros on the Electron)."""
    imei: str
    iccid: str
    serial_number: str


@dataclass(frozen=True)
class JoinResult:
    status: int
    """:class:`Status` ``OK`` or a join status (``JOIN_WRONG_PASSWORD`` ...)."""
    rssi: int | None
    """dBm, only when joined."""

    @property
    def joined(self) -> bool:
        return self.status == Status.OK


@dataclass(frozen=True)
class ScannedNetwork:
    ssid: str
    security: int
    channel: int
    rssi: int


@dataclass(frozen=True)
class Link:
    """The network the device is joined to."""

    rssi: int
    ssid: str


@dataclass(frozen=True)
class ButtonState:
    pressed: bool
    presses: int
    """Presses since test mode began."""


@dataclass(frozen=True)
class Hello:
    version: int
    device_id: str


@dataclass(frozen=True)
class Reply(Generic[T]):
    """A decoded reply: its status (a :class:`Status` when known) and, when ``ok``, its
    fields."""

    status: int
    body: T | None = None

    @property
    def ok(self) -> bool:
        return self.status == Status.OK


def _status(code: int) -> int:
    try:
        return Status(code)
    except ValueError:
        return code


def _identity(c: Container) -> Identity:
    sha = bytes(c.image_sha256)
    return Identity(
        device_id=bytes(c.device_id).hex(),
        platform_id=c.platform_id,
        product_id=c.product_id,
        product_version=c.product_version,
        module_function=c.module_function,
        module_index=c.module_index,
        module_version=c.module_version,
        system_version=shown(c.system_version),
        image_sha256=sha.hex() if any(sha) else None,
        mac=bytes(c.mac).hex(),
        imei=shown(c.imei),
        iccid=shown(c.iccid),
        serial_number=shown(c.serial_number),
    )


def _identity_fields(i: Identity) -> dict[str, Any]:
    texts = ("system_version", "imei", "iccid", "serial_number")
    fields = {name: raw(getattr(i, name)) for name in texts}
    return fields | {
        "device_id": bytes.fromhex(i.device_id),
        "platform_id": i.platform_id,
        "product_id": i.product_id,
        "product_version": i.product_version,
        "module_function": i.module_function,
        "module_index": i.module_index,
        "module_version": i.module_version,
        "image_sha256": bytes.fromhex(i.image_sha256) if i.image_sha256 else bytes(32),
        "mac": bytes.fromhex(i.mac),
    }


def _networks(c: Container) -> list[ScannedNetwork]:
    return [ScannedNetwork(shown(n.ssid), n.security, n.channel, n.rssi) for n in c.networks]


def _network_fields(networks: list[ScannedNetwork]) -> dict[str, Any]:
    rows = [
        {"ssid": raw(n.ssid), "security": n.security, "channel": n.channel, "rssi": n.rssi}
        for n in networks
    ]
    return {"networks": rows}


_Codec = tuple[Construct, Callable[[Container], Any], Callable[[Any], dict[str, Any]]]
_BODIES: dict[int, _Codec] = {
    Command.PING: (
        PING_BODY,
        lambda c: PingInfo(c.version, c.max_payload),
        lambda v: {"version": v.version, "max_payload": v.max_payload},
    ),
    Command.IDENTIFY: (IDENTIFY_BODY, _identity, _identity_fields),
    Command.JOIN: (JOIN_BODY, lambda c: c.rssi, lambda v: {"rssi": v}),
    Command.SCAN: (SCAN_BODY, _networks, _network_fields),
    Command.RSSI: (
        RSSI_BODY,
        lambda c: Link(c.rssi, shown(c.ssid)),
        lambda v: {"rssi": v.rssi, "ssid": raw(v.ssid)},
    ),
    Command.BUTTON: (
        BUTTON_BODY,
        lambda c: ButtonState(bool(c.pressed), c.presses),
        lambda v: {"pressed": int(v.pressed), "presses": v.presses},
    ),
    Command.HELLO: (
        HELLO_BODY,
        lambda c: Hello(c.version, bytes(c.device_id).hex()),
        lambda v: {"version": v.version, "device_id": bytes.fromhex(v.device_id)},
    ),
}


def _codec(reply_type: int) -> _Codec | None:
    """The body codec of a reply type (HELLO is its own type; others are request | 0x80)."""
    if reply_type == Command.HELLO:
        return _BODIES[Command.HELLO]
    if reply_type & REPLY_BIT and reply_type != Command.FRAME_ERROR:
        return _BODIES.get(reply_type & ~REPLY_BIT)
    return None


def decode_reply(reply_type: int, payload: bytes) -> Reply[Any]:
    """A reply payload: status and, when ok, the type's value (ints for JOIN's rssi, a list
    of :class:`ScannedNetwork` for SCAN, None for status-only types)."""
    codec = _codec(reply_type)
    body = codec[0] if codec else Pass
    c = parse_payload(_reply(body), payload, f"reply 0x{reply_type:02x}")
    value = codec[1](c.body) if codec and c.status == Status.OK else None
    return Reply(_status(c.status), value)


def encode_reply(reply_type: int, status: int, body: Any = None) -> bytes:
    """A reply payload (the device's side, for tests and doubles)."""
    codec = _codec(reply_type)
    if status != Status.OK or codec is None:
        return bytes([status])
    try:
        return _reply(codec[0]).build({"status": status, "body": codec[2](body)})
    except (ConstructError, ValueError, AttributeError) as exc:
        raise TestModePayloadError(f"reply 0x{reply_type:02x} cannot be built: {exc}") from None


def decode_join_reply(payload: bytes) -> JoinResult:
    reply = decode_reply(Command.JOIN | REPLY_BIT, payload)
    return JoinResult(reply.status, reply.body)


def decode_ping_reply(payload: bytes) -> Reply[PingInfo]:
    return decode_reply(Command.PING | REPLY_BIT, payload)


def decode_identify_reply(payload: bytes) -> Reply[Identity]:
    return decode_reply(Command.IDENTIFY | REPLY_BIT, payload)


def decode_scan_reply(payload: bytes) -> Reply[list[ScannedNetwork]]:
    return decode_reply(Command.SCAN | REPLY_BIT, payload)


def decode_rssi_reply(payload: bytes) -> Reply[Link]:
    return decode_reply(Command.RSSI | REPLY_BIT, payload)


def decode_button_reply(payload: bytes) -> Reply[ButtonState]:
    return decode_reply(Command.BUTTON | REPLY_BIT, payload)


def decode_hello(payload: bytes) -> Reply[Hello]:
    return decode_reply(Command.HELLO, payload)
