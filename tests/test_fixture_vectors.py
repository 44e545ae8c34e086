"""The bench's golden lines (protocol/fixture/vectors.json), also replayed by the C++ tests:
every event line parses to the recorded fields, and the command builders produce exactly the
lines the device carries out and refuse the rest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harken.protocol import fixture_lines
from harken.protocol.fixture_lines import (
    ButtonEvent,
    FixtureLineError,
    LedEvent,
    LookEvent,
    ModeEvent,
    parse_event,
)

VECTORS = json.loads(
    (Path(__file__).resolve().parent.parent / "protocol" / "fixture" / "vectors.json").read_text()
)
BUILDERS = {
    "press": fixture_lines.press_command,
    "clicks": fixture_lines.clicks_command,
    "reset": fixture_lines.reset_command,
}


def expected(v: dict[str, Any]) -> object:
    kind = v["kind"]
    if kind == "led":
        return LedEvent(v["ms"], v["r"], v["g"], v["b"])
    if kind == "look":
        return LookEvent(v["ms"], v["name"], int(v["rgb"], 16), v["pattern"], v["period"])
    if kind == "button":
        return ButtonEvent(v["ms"], v["event"], v["value"])
    return ModeEvent(v["ms"], v["name"])


@pytest.mark.parametrize("vector", VECTORS["events"], ids=lambda v: v["line"])
def test_event_lines_parse_as_recorded(vector: dict[str, Any]) -> None:
    assert parse_event(vector["line"]) == expected(vector)


BUILT = [v for v in VECTORS["commands"] if "build" in v]


@pytest.mark.parametrize("vector", BUILT, ids=lambda v: v["line"])
def test_builders_make_only_lines_the_device_accepts(vector: dict[str, Any]) -> None:
    name, *args = vector["build"]
    if vector["ok"]:
        assert BUILDERS[name](*args) == vector["line"]
    else:
        with pytest.raises(FixtureLineError):
            BUILDERS[name](*args)


@pytest.mark.parametrize(
    "line", ["@LED 1 2 3", "@LED a 0 0 0", "@LOOK 1 X zz blink 5", "@BTN 1 final", "@NOPE 1", "LED"]
)
def test_malformed_event_lines_are_refused(line: str) -> None:
    with pytest.raises(FixtureLineError):
        parse_event(line)
