"""``station.toml``: what a manufacturing station checks on each unit, and with which limits.

Read with :func:`load_station`; every mistake in the file is a :class:`StationConfigError`
naming the section and key (never a password or claim code). protocol/station.md describes
the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harken.emulate.wifi_env import WifiNetwork, parse_network_spec
from harken.mfg import station_fields as fields
from harken.mfg.station_fields import StationConfigError
from harken.protocol.platform import platform_by_name
from harken.protocol.softap.security import security_value

STEP_KINDS = (
    "identify",
    "led",
    "button",
    "join",
    "scan",
    "rssi",
    "clear_credentials",
    "factory_reset",
    "reboot",
)
SOURCES = ("fixture", "operator")
NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "blue": (0, 0, 255),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "yellow": (255, 255, 0),
}
DEFAULT_TOLERANCE = 0.15
DEFAULT_JOIN_TIMEOUT_S = 30
DEFAULT_BUTTON_TIMEOUT_S = 10.0
PASSPHRASE_MAX = 64
_STATION_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,64}$")


DEFAULT_BAUD = 9600
"""The test pads' bit rate on a real unit: a board's USART1, which the setup console (9600)
shares until the USB CDC driver exists. An emulated unit's pty ignores it."""


@dataclass(frozen=True)
class Colour:
    """An LED colour: 0-255 per channel, and the name it was given by (if any)."""

    rgb: tuple[int, int, int]
    name: str | None = None

    def __str__(self) -> str:
        return self.name or "[{}, {}, {}]".format(*self.rgb)


@dataclass(frozen=True)
class Expect:
    """The identity every unit must report."""

    platform: str
    product_id: int
    product_version: int
    system_version: str | None = None
    module_version: int | None = None

    @property
    def platform_id(self) -> int:
        found = platform_by_name(self.platform)
        assert found is not None  # checked when loaded
        return found.platform_id


@dataclass(frozen=True)
class Step:
    """One step of the sequence. ``name`` is what the output and the records call it."""

    kind: str
    name: str


@dataclass(frozen=True)
class IdentifyStep(Step):
    pass


@dataclass(frozen=True)
class LedStep(Step):
    """Hold ``colour`` and read the LED: its chromaticity must be within ``tolerance`` of
    ``expect`` (the colour held, unless the optics call for another reading)."""

    colour: Colour = Colour((255, 255, 255), "white")
    expect: Colour = Colour((255, 255, 255), "white")
    tolerance: float = DEFAULT_TOLERANCE
    sensor: str = "fixture"


@dataclass(frozen=True)
class ButtonStep(Step):
    source: str = "fixture"
    timeout_s: float = DEFAULT_BUTTON_TIMEOUT_S


@dataclass(frozen=True)
class JoinStep(Step):
    ssid: str = ""
    password: str = field(default="", repr=False)
    security: int = 0
    timeout_s: int = DEFAULT_JOIN_TIMEOUT_S


@dataclass(frozen=True)
class ScanStep(Step):
    ssid: str = ""
    min_rssi: int = -128


@dataclass(frozen=True)
class RssiStep(Step):
    min_rssi: int = -128


@dataclass(frozen=True)
class PlainStep(Step):
    """clear_credentials, factory_reset, reboot: no options."""


@dataclass(frozen=True)
class BatchNetwork:
    """The customer's network of ``harken mfg batch`` (one of [emulate]'s on emulated DUTs)."""

    ssid: str
    password: str | None = field(default=None, repr=False)
    claim_code: str | None = field(default=None, repr=False)
    join_timeout_s: float = 60.0


@dataclass(frozen=True)
class StationConfig:
    path: Path
    name: str
    database: Path
    expect: Expect
    steps: tuple[Step, ...]
    stop_on_fail: bool = True
    baud: int = DEFAULT_BAUD
    networks: tuple[WifiNetwork, ...] = ()
    batch: BatchNetwork | None = None

    def uses_fixture(self) -> list[Step]:
        """The steps that need an emulated device's fixture channel."""
        return [
            s
            for s in self.steps
            if (isinstance(s, LedStep) and s.sensor == "fixture")
            or (isinstance(s, ButtonStep) and s.source == "fixture")
        ]


# --- loading ------------------------------------------------------------------------------------


def load_station(path: str | Path) -> StationConfig:
    """Read and check ``path``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StationConfigError(
            f"{path}: no such station file (write an example with 'harken mfg init {path}')"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StationConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StationConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_station(data, path)


def parse_station(data: Mapping[str, Any], path: Path) -> StationConfig:
    """A :class:`StationConfig` from the parsed TOML of ``path``."""
    fields.only_keys(data, "", {"station", "expect", "step", "emulate", "batch"}, path)
    station = fields.table(data, "station", path)
    fields.only_keys(station, "station", {"name", "database", "stop_on_fail", "baud"}, path)
    name = fields.text(station, "station", "name", path)
    if not _STATION_NAME.match(name):
        raise StationConfigError(
            f"{path}: [station] name is 1-64 letters, digits, spaces, '.', '_' or '-'"
        )
    database = Path(fields.text(station, "station", "database", path))
    if not database.is_absolute():
        database = path.resolve().parent / database
    stop_on_fail = station.get("stop_on_fail", True)
    if not isinstance(stop_on_fail, bool):
        raise StationConfigError(f"{path}: [station] stop_on_fail is true or false")
    baud = station.get("baud", DEFAULT_BAUD)
    if not isinstance(baud, int) or isinstance(baud, bool) or not 1200 <= baud <= 4_000_000:
        raise StationConfigError(f"{path}: [station] baud is a bit rate, 1200 to 4000000")
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise StationConfigError(f"{path}: the sequence needs at least one [[step]]")
    steps = tuple(_step(raw, number, path) for number, raw in enumerate(raw_steps, 1))
    steps = _identify_first(steps, path)
    networks = _networks(data.get("emulate"), path)
    return StationConfig(
        path=path,
        name=name,
        database=database,
        expect=_expect(fields.table(data, "expect", path), path),
        steps=steps,
        stop_on_fail=stop_on_fail,
        baud=baud,
        networks=networks,
        batch=_batch(data.get("batch"), path),
    )


def _identify_first(steps: tuple[Step, ...], path: Path) -> tuple[Step, ...]:
    """The unit's device ID binds its serial number, so identify runs first: added when the
    sequence leaves it out, refused anywhere but first."""
    positions = [i for i, s in enumerate(steps) if s.kind == "identify"]
    if not positions:
        steps = (IdentifyStep("identify", "identify"), *steps)
    elif positions != [0]:
        raise StationConfigError(
            f"{path}: identify must be the first step, once (the device ID it reads binds "
            "the serial number)"
        )
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        raise StationConfigError(f"{path}: two steps share a name; give one a name = '…'")
    return steps


def _expect(table: Mapping[str, Any], path: Path) -> Expect:
    fields.only_keys(
        table,
        "expect",
        {"platform", "product_id", "product_version", "system_version", "module_version"},
        path,
    )
    platform = fields.text(table, "expect", "platform", path).lower()
    if platform_by_name(platform) is None:
        raise StationConfigError(f"{path}: [expect] platform is photon, p1 or electron")
    system_version = table.get("system_version")
    if system_version is not None and not isinstance(system_version, str):
        raise StationConfigError(f"{path}: [expect] system_version is text, e.g. '2.3.1'")
    module_version = table.get("module_version")
    if module_version is not None:
        module_version = fields.whole_number(table, "expect", "module_version", path, 0, 0xFFFF)
    return Expect(
        platform=platform,
        product_id=fields.whole_number(
            table, "expect", "product_id", path, 0, 0xFFFF, required=True
        ),
        product_version=fields.whole_number(
            table, "expect", "product_version", path, 0, 0xFFFF, required=True
        ),
        system_version=system_version,
        module_version=module_version,
    )


_STEP_KEYS: dict[str, set[str]] = {
    "identify": set(),
    "led": {"color", "expect", "tolerance", "sensor"},
    "button": {"source", "timeout_s"},
    "join": {"ssid", "password", "security", "timeout_s"},
    "scan": {"ssid", "min_rssi"},
    "rssi": {"min_rssi"},
    "clear_credentials": set(),
    "factory_reset": set(),
    "reboot": set(),
}


def _step(raw: object, number: int, path: Path) -> Step:
    where = f"step {number}"
    if not isinstance(raw, dict):
        raise StationConfigError(f"{path}: {where} is not a table")
    kind = raw.get("kind")
    if kind not in STEP_KINDS:
        raise StationConfigError(
            f"{path}: {where} needs kind = one of {', '.join(STEP_KINDS)} (got {kind!r})"
        )
    fields.only_keys(raw, where, {"kind", "name"} | _STEP_KEYS[kind], path)
    name = raw.get("name", kind)
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9_.-]{1,32}$", name):
        raise StationConfigError(f"{path}: {where} name is 1-32 letters, digits, '_', '.', '-'")
    where = f"step {number} ({name})"
    if kind == "identify":
        return IdentifyStep(kind, name)
    if kind == "led":
        colour = _colour(raw.get("color", "white"), where, "color", path)
        expect = _colour(raw["expect"], where, "expect", path) if "expect" in raw else colour
        if expect.rgb == (0, 0, 0):
            raise StationConfigError(f"{path}: {where}: expect a lit colour, not black")
        tolerance = raw.get("tolerance", DEFAULT_TOLERANCE)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
            raise StationConfigError(f"{path}: {where} tolerance is a fraction such as 0.15")
        if not 0 <= tolerance <= 1:
            raise StationConfigError(f"{path}: {where} tolerance is between 0 and 1")
        sensor = fields.choice(raw, "sensor", SOURCES, where, path)
        return LedStep(kind, name, colour, expect, float(tolerance), sensor)
    if kind == "button":
        source = fields.choice(raw, "source", SOURCES, where, path)
        timeout = raw.get("timeout_s", DEFAULT_BUTTON_TIMEOUT_S)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise StationConfigError(f"{path}: {where} timeout_s is a positive number")
        return ButtonStep(kind, name, source, float(timeout))
    if kind == "join":
        ssid = fields.ssid(raw, where, path)
        password = raw.get("password", "")
        if not isinstance(password, str) or len(password.encode()) > PASSPHRASE_MAX:
            raise StationConfigError(f"{path}: {where} password is text of at most 64 bytes")
        security_text = raw.get("security", "wpa2_aes" if password else "open")
        try:
            security = security_value(str(security_text))
        except ValueError as exc:
            raise StationConfigError(f"{path}: {where}: {exc}") from None
        timeout_s = fields.whole_number(
            raw, where, "timeout_s", path, 1, 120, default=DEFAULT_JOIN_TIMEOUT_S
        )
        return JoinStep(kind, name, ssid, password, security, timeout_s)
    if kind == "scan":
        return ScanStep(
            kind, name, fields.ssid(raw, where, path), fields.min_rssi(raw, where, path)
        )
    if kind == "rssi":
        return RssiStep(kind, name, fields.min_rssi(raw, where, path))
    return PlainStep(kind, name)


def _networks(raw: object, path: Path) -> tuple[WifiNetwork, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise StationConfigError(f"{path}: [emulate] is a table")
    fields.only_keys(raw, "emulate", {"networks"}, path)
    specs = raw.get("networks", [])
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise StationConfigError(
            f"{path}: [emulate] networks is a list of 'SSID:SECURITY:PASSWORD:CHANNEL:RSSI' texts"
        )
    networks = []
    for spec in specs:
        try:
            networks.append(parse_network_spec(spec))
        except ValueError as exc:  # names the SSID, never the password
            raise StationConfigError(f"{path}: [emulate] {exc}") from None
    return tuple(networks)


def _batch(raw: object, path: Path) -> BatchNetwork | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise StationConfigError(f"{path}: [batch] is a table")
    fields.only_keys(raw, "batch", {"ssid", "password", "claim_code", "join_timeout_s"}, path)
    ssid = fields.ssid(raw, "batch", path)
    password = raw.get("password")
    claim_code = raw.get("claim_code")
    for key, value in (("password", password), ("claim_code", claim_code)):
        if value is not None and not isinstance(value, str):
            raise StationConfigError(f"{path}: [batch] {key} is text")
    timeout = raw.get("join_timeout_s", 60.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise StationConfigError(f"{path}: [batch] join_timeout_s is a positive number")
    return BatchNetwork(ssid, password or None, claim_code or None, float(timeout))


def _colour(value: object, where: str, key: str, path: Path) -> Colour:
    if isinstance(value, str) and value.lower() in NAMED_COLOURS:
        return Colour(NAMED_COLOURS[value.lower()], value.lower())
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    ):
        return Colour((value[0], value[1], value[2]))
    raise StationConfigError(
        f"{path}: {where} {key} is one of {', '.join(NAMED_COLOURS)} or [r, g, b] (0-255)"
    )
