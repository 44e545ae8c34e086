"""Readers of station.toml's fields: each checks one key's type and range and raises
:class:`StationConfigError` naming the section and key (never the value: it may be a
password)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harken.errors import HarkenError

SSID_MAX = 32


class StationConfigError(HarkenError):
    """station.toml is missing, unreadable or says something the station cannot do."""


def only_keys(table: Mapping[str, Any], where: str, allowed: set[str], path: Path) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        place = f"[{where}]" if where and not where.startswith("step") else where or "the top"
        raise StationConfigError(
            f"{path}: {place} has unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(allowed)) or 'none'}"
        )


def table(data: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    found = data.get(name)
    if not isinstance(found, dict):
        raise StationConfigError(f"{path}: the [{name}] table is missing")
    return found


def text(table: Mapping[str, Any], where: str, key: str, path: Path) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise StationConfigError(f"{path}: [{where}] {key} is missing (text)")
    return value


def whole_number(
    table: Mapping[str, Any],
    where: str,
    key: str,
    path: Path,
    low: int,
    high: int,
    *,
    required: bool = False,
    default: int | None = None,
) -> int:
    value = table.get(key, default)
    if value is None and required:
        raise StationConfigError(f"{path}: {place(where)} {key} is missing")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StationConfigError(f"{path}: {place(where)} {key} is a whole number {low}..{high}")
    return value


def place(where: str) -> str:
    return where if where.startswith("step") else f"[{where}]"


def choice(
    raw: Mapping[str, Any], key: str, choices: tuple[str, ...], where: str, path: Path
) -> str:
    value = raw.get(key, choices[0])
    if value not in choices:
        raise StationConfigError(f"{path}: {where} {key} is one of {', '.join(choices)}")
    return str(value)


def ssid(raw: Mapping[str, Any], where: str, path: Path) -> str:
    value = raw.get("ssid")
    if not isinstance(value, str) or not 1 <= len(value.encode()) <= SSID_MAX:
        raise StationConfigError(f"{path}: {place(where)} ssid is 1-{SSID_MAX} bytes of text")
    return value


def min_rssi(raw: Mapping[str, Any], where: str, path: Path) -> int:
    return whole_number(raw, where, "min_rssi", path, -128, 0, required=True)
