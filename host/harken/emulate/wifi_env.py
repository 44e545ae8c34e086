"""The simulated Wi-Fi neighbourhood of an emulated device (``STATE/wifi-env.txt``): the native
device reads the file, the QEMU device's host sends it over the fixture channel.

One network per line, TAB-separated::

    ssid  security  channel  rssi  password  join_ms  behaviour

``security`` is the WICED value in hex without ``0x``; an empty password means the network
takes none; ``join_ms`` is how long a join takes; ``behaviour`` is ``ok``, ``gone`` (seen
by scans but gone when joined) or ``timeout`` (never answers a join). The device reads the
file at every scan and when a join completes, so it is replaced atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harken.protocol.softap.security import security_value

WIFI_ENV_FILE = "wifi-env.txt"
BEHAVIOURS = ("ok", "gone", "timeout")
SSID_MAX = 32
PASSWORD_MAX = 64
DEFAULT_JOIN_MS = 200


@dataclass(frozen=True)
class WifiNetwork:
    """One simulated access point. ``security`` is the WICED value (e.g. 0x00400004)."""

    ssid: str
    security: int
    channel: int = 1
    rssi: int = -50
    password: str | None = field(default=None, repr=False)
    join_ms: int = DEFAULT_JOIN_MS
    behaviour: str = "ok"

    def __post_init__(self) -> None:
        _check_text("SSID", self.ssid)
        if not 1 <= len(self.ssid.encode("utf-8")) <= SSID_MAX:
            raise ValueError(f"an SSID has 1-{SSID_MAX} bytes")
        if not -1 <= self.security <= 0xFFFFFFFF:
            raise ValueError("security must be a 32-bit WICED value")
        if not 0 <= self.channel <= 255:
            raise ValueError("channel must be 0-255")
        if not -128 <= self.rssi <= 0:
            raise ValueError("rssi must be -128..0 dBm")
        if self.password is not None:
            _check_text("password", self.password)
            if len(self.password.encode("utf-8")) > PASSWORD_MAX:
                raise ValueError(f"a simulated network's password has at most {PASSWORD_MAX} bytes")
        if self.join_ms < 0:
            raise ValueError("join_ms must not be negative")
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}")

    def line(self) -> str:
        """The network's line in ``wifi-env.txt`` (without the newline)."""
        return "\t".join(
            (
                self.ssid,
                f"{self.security & 0xFFFFFFFF:08x}",
                str(self.channel),
                str(self.rssi),
                self.password or "",
                str(self.join_ms),
                self.behaviour,
            )
        )


def _check_text(what: str, value: str) -> None:
    if any(c in "\t\r\n\x00" for c in value):
        raise ValueError(f"a simulated network's {what} cannot contain TAB, CR, LF or NUL")


def format_wifi_env(networks: Iterable[WifiNetwork]) -> str:
    """The file's text."""
    return "".join(network.line() + "\n" for network in networks)


def write_wifi_env(state_dir: str | Path, networks: Iterable[WifiNetwork]) -> Path:
    """Replace ``state_dir/wifi-env.txt`` atomically (temp file, then ``os.replace``)."""
    state = Path(state_dir)
    text = format_wifi_env(networks)  # validate before touching the folder
    state.mkdir(parents=True, exist_ok=True)
    target = state / WIFI_ENV_FILE
    fd, temp = tempfile.mkstemp(prefix=".wifi-env-", suffix=".tmp", dir=state)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def parse_wifi_env(text: str) -> list[WifiNetwork]:
    """The networks of a ``wifi-env.txt`` text. As on the device, the columns after the
    security are optional and lines that name no network (fewer than two columns, an empty
    or too long SSID) are skipped; a network with an invalid column is a :class:`ValueError`
    naming the line."""
    networks = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("\t")
        if len(fields) < 2 or not 1 <= len(fields[0].encode("utf-8")) <= SSID_MAX:
            continue
        fields += [""] * (7 - len(fields))
        ssid, security, channel, rssi, password, join_ms, behaviour = fields[:7]
        try:
            networks.append(
                WifiNetwork(
                    ssid=ssid,
                    security=int(security, 16),
                    channel=int(channel) if channel else 1,
                    rssi=int(rssi) if rssi else -50,
                    password=password or None,
                    join_ms=int(join_ms) if join_ms else DEFAULT_JOIN_MS,
                    behaviour=behaviour or "ok",
                )
            )
        except ValueError as exc:  # never echoes the password
            raise ValueError(f"{WIFI_ENV_FILE} line {number}: {exc}") from None
    return networks


def read_wifi_env(state_dir: str | Path) -> list[WifiNetwork]:
    """The networks in ``state_dir/wifi-env.txt``; none when the file is missing."""
    try:
        text = (Path(state_dir) / WIFI_ENV_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return parse_wifi_env(text)


NETWORK_SPEC_HELP = (
    "SSID:SECURITY[:PASSWORD[:CHANNEL[:RSSI[:JOIN_MS[:BEHAVIOUR]]]]] - SECURITY is a name "
    "(open, wep_psk, wpa2_aes, wpa2_mixed, wpa2_enterprise …) or a WICED value (0x00400004); "
    "an empty PASSWORD means none; BEHAVIOUR is ok, gone or timeout; write \\: for a colon "
    "and \\\\ for a backslash inside a field"
)


def split_spec(text: str) -> list[str]:
    """``text`` split at unescaped colons, with ``\\:`` and ``\\\\`` unescaped."""
    fields = [""]
    chars = iter(text)
    for c in chars:
        if c == "\\":
            escaped = next(chars, "")
            if escaped not in (":", "\\"):
                raise ValueError("in a network spec, a backslash escapes only ':' or '\\'")
            fields[-1] += escaped
        elif c == ":":
            fields.append("")
        else:
            fields[-1] += c
    return fields


def parse_network_spec(text: str) -> WifiNetwork:
    """A :class:`WifiNetwork` from ``SSID:SECURITY[:PASSWORD[:CHANNEL[:RSSI[:JOIN_MS
    [:BEHAVIOUR]]]]]``, as described in :data:`NETWORK_SPEC_HELP`."""
    fields = split_spec(text)
    if not 2 <= len(fields) <= 7:
        raise ValueError(f"a network is {NETWORK_SPEC_HELP.split(' - ')[0]}")
    ssid, security, *rest = fields
    rest += [""] * (5 - len(rest))
    password, channel, rssi, join_ms, behaviour = rest
    try:
        return WifiNetwork(
            ssid=ssid,
            security=security_value(security),
            password=password or None,
            channel=int(channel) if channel else 1,
            rssi=int(rssi) if rssi else -50,
            join_ms=int(join_ms) if join_ms else DEFAULT_JOIN_MS,
            behaviour=behaviour or "ok",
        )
    except ValueError as exc:
        raise ValueError(f"network {ssid!r}: {exc}") from None
