"""protocol/firmware-update/vectors.json against the host model of the device's update
checks (harken.protocol.update_check); the C++ core replays the same file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harken.protocol.update_check import UpdateTarget, check_update

VECTORS = Path(__file__).resolve().parents[1] / "protocol" / "firmware-update" / "vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text())["cases"]


def _target(raw: dict[str, Any]) -> UpdateTarget:
    installed = raw["installed"]
    return UpdateTarget(
        platform_id=raw["platform_id"],
        slot_start=raw["slot_start"],
        slot_size=raw["slot_size"],
        product_id=raw["product_id"],
        installed=tuple(installed) if installed is not None else None,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_host_model_gives_the_devices_verdict(case: dict[str, Any]) -> None:
    verdict = check_update(bytes.fromhex(case["image"]), _target(case["target"]))
    expect = case["expect"]
    assert (verdict.code, verdict.checked, verdict.passed, verdict.length) == (
        expect["code"],
        expect["checked"],
        expect["passed"],
        expect["length"],
    )


def test_every_error_code_is_covered() -> None:
    codes = {c["expect"]["code"] for c in CASES}
    assert codes == {0, -1300, -1310, -1320, -1330, -1340, -1350, -1360}
