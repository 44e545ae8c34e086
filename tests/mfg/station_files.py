"""station.toml files for the station tests: the example's sequence, with any part changed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FACTORY_AP = "FactoryAP:wpa2_aes:factory-secret:6:-48"
CUSTOMER_NET = "CustomerNet:wpa2_aes:customer-secret:11:-60"
EXPECT = {"platform": "photon", "product_id": 6, "product_version": 65535}
FULL_SEQUENCE: list[dict[str, Any]] = [
    {"kind": "identify"},
    {"kind": "led", "color": "white", "sensor": "fixture", "tolerance": 0.15},
    {"kind": "button", "source": "fixture"},
    {"kind": "scan", "ssid": "FactoryAP", "min_rssi": -70},
    {
        "kind": "join",
        "ssid": "FactoryAP",
        "password": "factory-secret",
        "security": "wpa2_aes",
        "timeout_s": 30,
    },
    {"kind": "rssi", "min_rssi": -70},
    {"kind": "clear_credentials"},
    {"kind": "reboot"},
]
"""The example's sequence (harken mfg init)."""
BATCH = {"ssid": "CustomerNet", "password": "customer-secret", "claim_code": "CLAIM0123456789"}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def _table(values: Mapping[str, Any]) -> str:
    return "".join(f"{key} = {_value(value)}\n" for key, value in values.items())


def station_toml(
    folder: Path,
    *,
    steps: Sequence[Mapping[str, Any]] = FULL_SEQUENCE,
    expect: Mapping[str, Any] | None = None,
    networks: Sequence[str] = (FACTORY_AP, CUSTOMER_NET),
    batch: Mapping[str, Any] | None = BATCH,
    name: str = "station-1",
    database: str = "units.db",
    stop_on_fail: bool = True,
    file_name: str = "station.toml",
) -> Path:
    """Write ``folder/file_name``; ``expect`` entries replace the Photon defaults (a None
    value removes one)."""
    wanted = {**EXPECT, **(expect or {})}
    text = "[station]\n" + _table(
        {"name": name, "database": database, "stop_on_fail": stop_on_fail}
    )
    text += "\n[expect]\n" + _table({k: v for k, v in wanted.items() if v is not None})
    for step in steps:
        text += "\n[[step]]\n" + _table(step)
    text += "\n[emulate]\n" + _table({"networks": list(networks)})
    if batch is not None:
        text += "\n[batch]\n" + _table(batch)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_text(text, encoding="utf-8")
    return path


def replaced(kind: str, **values: Any) -> list[dict[str, Any]]:
    """The full sequence with the step of ``kind`` changed."""
    return [{**step, **values} if step["kind"] == kind else dict(step) for step in FULL_SEQUENCE]
