"""The serial setup console: command bytes, the device's fixed texts, and reply parsers.

Byte strings are exactly what a Device OS 2.3.1 device sends (serial-listening-mode spec §4,
§5). Parse errors never quote the reply, since replies can echo secrets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from harken.errors import HarkenError

# --- command bytes (§4) ---------------------------------------------------------------------
CMD_IDENTIFY = b"i"
CMD_MAC = b"m"
CMD_WIFI = b"w"
CMD_YMODEM = b"f"
CMD_EXIT = b"x"
CMD_DESCRIBE = b"s"
CMD_VERSION = b"v"
CMD_SAFE_MODE_LISTEN = b"L"
CMD_CLAIMED = b"c"
CMD_SET_CLAIM_CODE = b"C"
CMD_DIAGNOSTICS = b"d"

LINE_END = b"\r\n"
ANSWER_END = b"\n"
"""Hosts end every answer with exactly one LF (§3.3)."""

# --- fixed texts ------------------------------------------------------------------------------
IDENTIFY_SHORT_PREFIX = b"Your device id is "
IDENTIFY_LONG_PREFIX = b"Device ID: "
MAC_PREFIX = b"Your device MAC address is\r\n"
CLAIMED_PREFIX = b"Device claimed: "
VERSION_PREFIX = b"system firmware version: "
VERSION_END = b"\n\r\n"

CLAIM_PROMPT = b"Enter 63-digit claim code: "
CLAIM_SET_PREFIX = b"Claim code set to: "
CLAIM_REJECTED = b"Sorry, claim code is not 63 characters long. Claim code unchanged."
CLAIM_CODE_LENGTH = 63

SSID_PROMPT = b"SSID: "
SECURITY_PROMPT = (
    b"Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2, 4=WPA Enterprise, 5=WPA2 Enterprise: "
)
SECURITY_PROMPT_BASIC = b"Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: "
CIPHER_PROMPT = b"Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: "
PASSWORD_PROMPT = b"Password: "
EAP_TYPE_PROMPT = b"EAP Type 0=PEAP/MSCHAPv2, 1=EAP-TLS: "
USERNAME_PROMPT = b"Username: "
OUTER_IDENTITY_PROMPT = b"Outer identity (optional): "
CLIENT_CERT_PROMPT = b"Client certificate in PEM format:\r\n"
PRIVATE_KEY_PROMPT = b"Private key in PEM format:\r\n"
ROOT_CA_PROMPT = b"Root CA in PEM format (optional):\r\n"

WIFI_SAVING = b"Thanks! Wait while I save those credentials...\r\n\r\n"
WIFI_SAVED = (
    b"Awesome. Now we'll connect!\r\n\r\n"
    b"If you see a pulsing cyan light, your device \r\n"
    b"has connected to the Cloud and is ready to go!\r\n\r\n"
    b"If your LED flashes red or you encounter any other problems,\r\n"
    b"visit https://www.particle.io/support to debug.\r\n\r\n"
    b"    Particle <3 you!\r\n\r\n"
)
WIFI_SAVED_MARK = b"Particle <3 you!"
LEGACY_WIFI_SAVED_MARK = b"Spark <3 you!"
WIFI_SAVE_FAILED = b"Derp. Sorry, we couldn't save the credentials.\r\n\r\n"
ENTERPRISE_PREP_FAILED = b"Error while preparing to store enterprise credentials.\r\n\r\n"

YMODEM_WAITING = b"Waiting for the binary file to be sent ... (press 'a' to abort)\r\n"

# --- answer codes (§5.3) ----------------------------------------------------------------------
SECURITY_DIGITS: dict[str, str] = {
    "open": "0",
    "wep": "1",
    "wpa": "2",
    "wpa2": "3",
    "wpa-enterprise": "4",
    "wpa2-enterprise": "5",
}
CIPHER_DIGITS: dict[str, str] = {"aes": "1", "tkip": "2", "aes+tkip": "3"}
EAP_TYPE_DIGITS: dict[str, str] = {"peap": "0", "tls": "1"}

# Line-input limits of the device (§5.1, §5.2).
SSID_MAX = 32
PASSWORD_MAX = 64
IDENTITY_MAX = 64
PEM_BLOCK_MAX = 4091
"""Bytes of a certificate block, every line counted with its CRLF, that the device's 4 KB
buffer takes and still reads the empty line that ends the block (§5.2)."""
PRIVATE_KEY_BLOCK_MAX = 2043
"""The same for the private key, read into 2 KB."""
FORBIDDEN_ANSWER_BYTES = frozenset(b"\r\n\x08\x7f\x00")
"""Bytes the device's line reader treats as terminators or editing keys, and NUL, which ends
the C string the device keeps."""

# Labels of the identify reply → Identity fields.
_LABEL_FIELDS: dict[str, str] = {
    "IMEI": "imei",
    "ICCID": "iccid",
    "Serial Number": "serial_number",
    "Device Secret": "device_secret",
    "Cell Radio Version": "cell_radio_version",
}


class ConsoleFormatError(HarkenError, ValueError):
    """A console reply did not have the expected shape."""


def _bytes(data: bytes | bytearray | str) -> bytes:
    return data.encode("latin-1") if isinstance(data, str) else bytes(data)


# --- identify ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The ``i`` reply. ``form`` is ``short`` (``Your device id is …``) or ``long``."""

    device_id: str
    form: str
    imei: str | None = None
    iccid: str | None = None
    serial_number: str | None = None
    device_secret: str | None = field(default=None, repr=False)
    cell_radio_version: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


_SHORT_ID = re.compile(rb"Your (?:device|core) id is\s+(\w+)")
_LONG_ID = re.compile(rb"Device ID: (\w+)\r?\n")
_LABEL_LINE = re.compile(rb"^([^:\r\n]+): ([^\r\n]*)\r?$", re.MULTILINE)


def parse_identify(data: bytes | str) -> Identity:
    """Parse either identify form (§4.1)."""
    raw = _bytes(data)
    short = _SHORT_ID.search(raw)
    if short:
        return Identity(device_id=short.group(1).decode("ascii").lower(), form="short")
    long = _LONG_ID.search(raw)
    if not long:
        raise ConsoleFormatError(f"no device id in the identify reply ({len(raw)} bytes)")
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for match in _LABEL_LINE.finditer(raw, long.end()):
        label = match.group(1).decode("latin-1")
        value = match.group(2).decode("latin-1")
        if label in _LABEL_FIELDS:
            values[_LABEL_FIELDS[label]] = value
        else:
            extra[label] = value
    return Identity(
        device_id=long.group(1).decode("ascii").lower(), form="long", extra=extra, **values
    )


# --- mac, claimed, version --------------------------------------------------------------------

_MAC = re.compile(rb"([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})")


def parse_mac(data: bytes | str) -> str:
    """The MAC from the ``m`` reply, lower-case ``aa:bb:cc:dd:ee:ff``."""
    raw = _bytes(data)
    start = raw.find(MAC_PREFIX)
    match = _MAC.search(raw, start + len(MAC_PREFIX) if start >= 0 else 0)
    if not match:
        raise ConsoleFormatError(f"no MAC address in the reply ({len(raw)} bytes)")
    return match.group(1).decode("ascii").lower()


_CLAIMED = re.compile(rb"Device claimed: (\w+)")


def parse_claimed(data: bytes | str) -> bool:
    """``Device claimed: yes|no`` → True/False."""
    match = _CLAIMED.search(_bytes(data))
    if not match or match.group(1) not in (b"yes", b"no"):
        raise ConsoleFormatError("no 'Device claimed: yes|no' line in the reply")
    return match.group(1) == b"yes"


@dataclass(frozen=True)
class FirmwareVersion:
    """The ``v`` reply: the version string and whether the build is ``minimal``."""

    version: str
    minimal: bool = False


_VERSION = re.compile(rb"system firmware version:\s+([\w.+-]+)([^\r\n]*)")


def parse_version(data: bytes | str) -> FirmwareVersion:
    """``system firmware version: 2.3.1\\n\\r\\n`` → ``FirmwareVersion('2.3.1')``."""
    match = _VERSION.search(_bytes(data))
    if not match:
        raise ConsoleFormatError("no 'system firmware version:' line in the reply")
    return FirmwareVersion(
        version=match.group(1).decode("ascii"),
        minimal=b"minimal" in match.group(2),
    )


# --- claim code -------------------------------------------------------------------------------


def claim_reply_accepted(data: bytes | str) -> bool | None:
    """True if the ``C`` reply says the code was set, False if rejected, None if neither
    text is there yet."""
    raw = _bytes(data)
    if CLAIM_SET_PREFIX in raw:
        return True
    if CLAIM_REJECTED in raw:
        return False
    return None


# --- JSON replies -----------------------------------------------------------------------------


def json_object(data: bytes | str, what: str) -> dict[str, Any]:
    """The JSON object in a reply (from the first ``{`` to the last ``}``)."""
    raw = _bytes(data)
    start, end = raw.find(b"{"), raw.rfind(b"}")
    if start < 0 or end < start:
        raise ConsoleFormatError(f"no JSON object in the {what} reply ({len(raw)} bytes)")
    try:
        value = json.loads(raw[start : end + 1].decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ConsoleFormatError(f"the {what} reply is not valid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise ConsoleFormatError(f"the {what} reply is not a JSON object")
    return value


def parse_diagnostics(data: bytes | str) -> dict[str, Any]:
    """The ``d`` reply: source name → integer, or ``{"err": code}`` for a failed source."""
    return json_object(data, "diagnostics")
