"""Particle's ``application_dct_t`` (the app DCT, 8391 bytes) and its friendly decoding.

Offsets are app-DCT offsets, i.e. the addresses DFU alt-setting 1 uses. All multi-byte
integers are little-endian unless noted. Erased flash reads 0xFF.

The decoded view (:class:`AppConfig`) never exposes private keys; the claim code and the
device secret are kept out of ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from construct import Array, Bytes, Construct, Int8ul, Int16ub, Int16ul, Int32ul, Padding, Struct

APP_DCT_SIZE = 8391

SYSTEM_FLAGS = Struct(
    "header" / Int32ul,
    "bootloader_version" / Int16ul,
    "nvmem_spark_reset" / Int16ul,
    "flash_ota_update" / Int16ul,
    "ota_flashed_status" / Int16ul,
    "factory_reset" / Int16ul,
    "iwdg_enable" / Int16ul,
    "dfu_on_no_firmware" / Int8ul,
    "factory_reset_done" / Int8ul,
    "startup_mode" / Int8ul,
    "features_enabled" / Int8ul,
    "rcc_csr" / Int32ul,
    "reserved" / Array(4, Int16ul),
)

IP_CONFIG = Struct(
    "config_mode" / Int8ul,
    Padding(3),
    "host" / Int32ul,
    "netmask" / Int32ul,
    "gateway" / Int32ul,
    "dns1" / Int32ul,
    "dns2" / Int32ul,
)

# 128-byte server address record: type 0 IPv4 / 1 domain, big-endian IPv4 and port.
SERVER_ADDRESS = Struct(
    "type" / Int8ul,
    "length" / Int8ul,
    "value" / Bytes(64),
    "port" / Int16ub,
    "reserved" / Bytes(60),
)

SERVER_KEY_BLOCK = Struct(
    "public_key" / Bytes(384),
    "address" / SERVER_ADDRESS,
    "reserved" / Bytes(256),
)

EAP_CONFIG = Struct(
    "type" / Int8ul,
    "inner_identity" / Bytes(64),
    "inner_identity_len" / Int8ul,
    "outer_identity" / Bytes(64),
    "outer_identity_len" / Int8ul,
    "security_key" / Bytes(64),
    "security_key_len" / Int8ul,
    "ca_certificate" / Bytes(4096),
    "ca_certificate_len" / Int16ul,
    "padding" / Bytes(2),
)

# (name, offset, model) for every member, in order; checked for contiguity below.
APP_DCT_FIELDS: tuple[tuple[str, int, Construct], ...] = (
    ("system_flags", 0, SYSTEM_FLAGS),
    ("version", 32, Int16ul),
    ("device_private_key", 34, Bytes(1216)),
    ("device_public_key", 1250, Bytes(384)),
    ("ip_config", 1634, IP_CONFIG),
    ("unused", 1658, Bytes(95)),
    ("ota_update_flag", 1753, Int8ul),
    ("feature_flags", 1754, Int32ul),
    ("country_code", 1758, Bytes(4)),
    ("claim_code", 1762, Bytes(63)),
    ("claimed", 1825, Int8ul),
    ("ssid_prefix", 1826, Bytes(26)),
    ("device_code", 1852, Bytes(6)),
    ("version_string", 1858, Bytes(32)),
    ("dns_resolve", 1890, Bytes(128)),
    ("reserved1", 2018, Bytes(64)),
    ("server_public_key", 2082, SERVER_KEY_BLOCK),
    ("padding", 2850, Bytes(2)),
    ("flash_modules", 2852, Bytes(100)),
    ("product_store", 2952, Array(12, Int16ul)),
    ("antenna_selection", 2976, Int8ul),
    ("cloud_transport", 2977, Int8ul),
    ("alt_device_public_key", 2978, Bytes(128)),
    ("alt_device_private_key", 3106, Bytes(192)),
    ("alt_server_public_key", 3298, Bytes(192)),
    ("alt_server_address", 3490, SERVER_ADDRESS),
    ("device_id", 3618, Bytes(12)),
    ("radio_flags", 3630, Int8ul),
    ("mode_button_mirror", 3631, Bytes(32)),
    ("led_mirror", 3663, Bytes(96)),
    ("led_theme", 3759, Bytes(64)),
    ("eap_config", 3823, EAP_CONFIG),
    ("device_secret", 8119, Bytes(15)),
    ("power_config", 8134, Bytes(32)),
    ("ext_low_speed_clock_disable", 8166, Int32ul),
    ("reserved2", 8170, Bytes(221)),
)


def _check_layout() -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    expected = 0
    for name, offset, model in APP_DCT_FIELDS:
        if offset != expected:
            raise AssertionError(f"app DCT field {name} at {offset}, expected {expected}")
        size = model.sizeof()
        spans[name] = (offset, size)
        expected = offset + size
    if expected != APP_DCT_SIZE:
        raise AssertionError(f"app DCT is {expected} bytes, expected {APP_DCT_SIZE}")
    return spans


FIELD_SPANS: dict[str, tuple[int, int]] = _check_layout()
"""name → (offset, size) of every ``application_dct_t`` member."""

APPLICATION_DCT = Struct(*(name / model for name, _, model in APP_DCT_FIELDS))
"""The whole ``application_dct_t`` as one construct model (8391 bytes)."""

CLAIMED_MARK = 0x31
OTA_UPDATE_PENDING = 0xA5
PRODUCT_UNSET = 0xFFFF
DEFAULT_SSID_PREFIX = "Photon"
SERVER_ADDRESS_OFFSET = FIELD_SPANS["server_public_key"][0] + 384  # 2466
EAP_TYPES = {25: "peap", 13: "tls"}


def blank_app_dct() -> bytearray:
    """An erased app DCT (all 0xFF), handy for building images."""
    return bytearray(b"\xff" * APP_DCT_SIZE)


# ---------------------------------------------------------------------------------------------
# Decoded view


@dataclass(frozen=True)
class KeyInfo:
    """Whether a key slot holds something; never the key bytes."""

    present: bool
    der_length: int | None = None


@dataclass(frozen=True)
class ServerAddress:
    """A server address record: ``kind`` is ``ip``, ``domain``, ``unset`` or ``invalid``."""

    kind: str
    host: str | None
    port: int | None


@dataclass(frozen=True)
class IpConfig:
    """Static/DHCP IP settings; ``mode`` is ``dhcp`` or ``static``."""

    mode: str
    host: str
    netmask: str
    gateway: str
    dns1: str
    dns2: str


@dataclass(frozen=True)
class EapSettings:
    """WPA-Enterprise settings; the password itself is never exposed."""

    eap_type: str | None
    inner_identity: str | None
    outer_identity: str | None
    has_password: bool
    ca_certificate_length: int


@dataclass(frozen=True)
class AppConfig:
    """Friendly view of an app DCT image; None for fields absent from a short dump
    (listed in ``missing``) or not set."""

    size: int
    missing: tuple[str, ...]
    system_flags: dict[str, int] | None = None
    device_private_key: KeyInfo | None = None
    device_public_key: KeyInfo | None = None
    ip_config: IpConfig | None = None
    ota_update_pending: bool | None = None
    country_code: str | None = None
    claim_code: str | None = field(default=None, repr=False)
    claimed: bool | None = None
    ssid_prefix: str | None = None
    device_code: str | None = None
    softap_ssid: str | None = None
    dns_resolve: tuple[str, ...] | None = None
    server_public_key: KeyInfo | None = None
    server_address: ServerAddress | None = None
    product_id: int | None = None
    product_version: int | None = None
    antenna: str | None = None
    cloud_transport: str | None = None
    alt_device_public_key: KeyInfo | None = None
    alt_device_private_key: KeyInfo | None = None
    alt_server_public_key: KeyInfo | None = None
    alt_server_address: ServerAddress | None = None
    device_id: str | None = None
    eap: EapSettings | None = None
    device_secret: str | None = field(default=None, repr=False)

    @property
    def claim_code_length(self) -> int | None:
        """Length of the pending claim code (the code itself is a secret)."""
        return None if self.claim_code is None else len(self.claim_code)


def _is_blank(raw: bytes) -> bool:
    return raw.count(0xFF) == len(raw) or raw.count(0) == len(raw)


def key_info(raw: bytes) -> KeyInfo:
    """Presence (and DER length when it starts with a SEQUENCE header) of a key slot."""
    if not raw or _is_blank(raw):
        return KeyInfo(present=False)
    length = None
    if raw[0] == 0x30 and len(raw) >= 2:
        first = raw[1]
        if first < 0x80:
            length = 2 + first
        elif first in (0x81, 0x82) and len(raw) >= 2 + (first - 0x80):
            width = first - 0x80
            length = 2 + width + int.from_bytes(raw[2 : 2 + width], "big")
    return KeyInfo(present=True, der_length=length)


def decode_server_address(record: Any) -> ServerAddress:
    """Decode a parsed :data:`SERVER_ADDRESS` record."""
    kind, length, value = record.type, record.length, bytes(record.value)
    if kind == 0xFF and length == 0xFF:
        return ServerAddress("unset", None, None)
    port = None if record.port in (0, 0xFFFF) else record.port
    if kind == 0 and length >= 4:
        return ServerAddress("ip", ".".join(str(b) for b in value[:4]), port)
    if kind == 1 and 0 < length <= len(value):
        return ServerAddress("domain", value[:length].decode("latin-1"), port)
    return ServerAddress("invalid", None, None)


def ipv4_text(value: int) -> str:
    """Dotted quad of a HAL IPv4 word (first octet in the most significant byte)."""
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def decode_ip_config(parsed: Any) -> IpConfig:
    """Decode a parsed :data:`IP_CONFIG`."""
    return IpConfig(
        mode="static" if parsed.config_mode == 1 else "dhcp",
        host=ipv4_text(parsed.host),
        netmask=ipv4_text(parsed.netmask),
        gateway=ipv4_text(parsed.gateway),
        dns1=ipv4_text(parsed.dns1),
        dns2=ipv4_text(parsed.dns2),
    )


def decode_claim_code(raw: bytes) -> str | None:
    """The pending claim code, or None when the first byte is 0x00 or 0xFF."""
    if not raw or raw[0] in (0x00, 0xFF):
        return None
    return raw.split(b"\x00", 1)[0].decode("latin-1")


def decode_claimed(value: int) -> bool:
    """The claimed flag: only ASCII ``'1'`` counts."""
    return value == CLAIMED_MARK


def decode_ssid_prefix(raw: bytes) -> str | None:
    """The stored SoftAP SSID prefix, or None when its length byte is not 1..25."""
    length = raw[0] if raw else 0
    if not 1 <= length <= 25 or len(raw) < 1 + length:
        return None
    return raw[1 : 1 + length].decode("latin-1")


def decode_device_code(raw: bytes) -> str | None:
    """The SoftAP SSID suffix (6 chars, or a legacy 4-char code); None if not generated."""
    if len(raw) < 6 or raw[0] == 0 or raw[0] >= 0x80:
        return None
    legacy = raw[4] < 0x20 or raw[4] > 0x7F
    return raw[: 4 if legacy else 6].decode("latin-1")


def softap_ssid(prefix: str | None, code: str | None) -> str | None:
    """``<prefix>-<code>`` as advertised; an invalid prefix means the device uses ``Photon``."""
    if code is None:
        return None
    return f"{(prefix or DEFAULT_SSID_PREFIX)[:25]}-{code}"


def decode_dns_names(raw: bytes) -> tuple[str, ...]:
    """Names in DNS label format, each ending with a zero label; stops at empty or 0xFF."""
    names: list[str] = []
    pos = 0
    while pos < len(raw) and raw[pos] not in (0x00, 0xFF):
        labels: list[str] = []
        while pos < len(raw) and raw[pos] not in (0x00, 0xFF):
            length = raw[pos]
            if length > 63 or pos + 1 + length > len(raw):
                return tuple(names)
            labels.append(raw[pos + 1 : pos + 1 + length].decode("latin-1"))
            pos += 1 + length
        names.append(".".join(labels))
        if pos < len(raw) and raw[pos] == 0x00:
            pos += 1
    return tuple(names)


def decode_product(store: list[int]) -> tuple[int | None, int | None]:
    """(product id, product version) from ``product_store``; None where 0xFFFF."""
    pid, version = store[0], store[1]
    return (None if pid == PRODUCT_UNSET else pid, None if version == PRODUCT_UNSET else version)


def decode_device_id(raw: bytes) -> str | None:
    """The stored device id (lower-case hex), None when erased."""
    if len(raw) < 12 or raw[0] == 0xFF:
        return None
    return raw.hex()


def decode_country_code(raw: bytes) -> str | None:
    """Two-letter country code plus revision digit (e.g. ``GB0``); None means the default."""
    if not raw or raw[0] in (0x00, 0xFF):
        return None
    text = raw[:2].decode("latin-1")
    if len(raw) > 2 and 0x30 <= raw[2] <= 0x7E:
        text += chr(raw[2])
    return text


def _text(raw: bytes, length: int) -> str | None:
    if not 1 <= length <= len(raw):
        return None
    return raw[:length].decode("latin-1")


def decode_eap(parsed: Any) -> EapSettings | None:
    """Decode a parsed :data:`EAP_CONFIG`; None when no enterprise settings are stored."""
    if parsed.type not in EAP_TYPES:
        return None
    ca_len = parsed.ca_certificate_len
    return EapSettings(
        eap_type=EAP_TYPES[parsed.type],
        inner_identity=_text(bytes(parsed.inner_identity), parsed.inner_identity_len),
        outer_identity=_text(bytes(parsed.outer_identity), parsed.outer_identity_len),
        has_password=1 <= parsed.security_key_len <= 64,
        ca_certificate_length=0 if ca_len > 4096 else ca_len,
    )


def decode_device_secret(raw: bytes) -> str | None:
    """The 15-char device secret if present and printable."""
    if len(raw) < 15 or not all(0x20 <= b < 0x7F for b in raw):
        return None
    return raw.decode("ascii")


def _antenna(value: int) -> str:
    return {0: "internal", 1: "external", 3: "auto", 0xFF: "internal"}.get(value, f"0x{value:02x}")


def decode_app_dct(data: bytes) -> AppConfig:
    """Decode an app DCT image; a dump shorter than 8391 bytes yields None for the fields it
    does not cover (their names are in ``AppConfig.missing``)."""
    parsed: dict[str, Any] = {}
    missing: list[str] = []
    for name, offset, model in APP_DCT_FIELDS:
        end = offset + model.sizeof()
        if end <= len(data):
            parsed[name] = model.parse(bytes(data[offset:end]))
        else:
            missing.append(name)

    values: dict[str, Any] = {}
    if "system_flags" in parsed:
        flags = dict(parsed["system_flags"])
        flags.pop("_io", None)
        flags["reserved"] = list(flags["reserved"])
        values["system_flags"] = flags
    for name in (
        "device_private_key",
        "device_public_key",
        "alt_device_public_key",
        "alt_device_private_key",
        "alt_server_public_key",
    ):
        if name in parsed:
            values[name] = key_info(parsed[name])
    if "server_public_key" in parsed:
        block = parsed["server_public_key"]
        values["server_public_key"] = key_info(block.public_key)
        values["server_address"] = decode_server_address(block.address)
    if "alt_server_address" in parsed:
        values["alt_server_address"] = decode_server_address(parsed["alt_server_address"])
    if "ip_config" in parsed:
        values["ip_config"] = decode_ip_config(parsed["ip_config"])
    if "ota_update_flag" in parsed:
        values["ota_update_pending"] = parsed["ota_update_flag"] == OTA_UPDATE_PENDING
    if "country_code" in parsed:
        values["country_code"] = decode_country_code(parsed["country_code"])
    if "claim_code" in parsed:
        values["claim_code"] = decode_claim_code(parsed["claim_code"])
    if "claimed" in parsed:
        values["claimed"] = decode_claimed(parsed["claimed"])
    if "ssid_prefix" in parsed:
        values["ssid_prefix"] = decode_ssid_prefix(parsed["ssid_prefix"])
    if "device_code" in parsed:
        values["device_code"] = decode_device_code(parsed["device_code"])
        values["softap_ssid"] = softap_ssid(values.get("ssid_prefix"), values["device_code"])
    if "dns_resolve" in parsed:
        values["dns_resolve"] = decode_dns_names(parsed["dns_resolve"])
    if "product_store" in parsed:
        values["product_id"], values["product_version"] = decode_product(parsed["product_store"])
    if "antenna_selection" in parsed:
        values["antenna"] = _antenna(parsed["antenna_selection"])
    if "cloud_transport" in parsed:
        values["cloud_transport"] = "udp" if parsed["cloud_transport"] == 0xFF else "tcp"
    if "device_id" in parsed:
        values["device_id"] = decode_device_id(parsed["device_id"])
    if "eap_config" in parsed:
        values["eap"] = decode_eap(parsed["eap_config"])
    if "device_secret" in parsed:
        values["device_secret"] = decode_device_secret(parsed["device_secret"])
    return AppConfig(size=len(data), missing=tuple(missing), **values)
