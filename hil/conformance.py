"""What the conformance suite shares: the golden vectors of protocol/ and how to replay them
on any device under test."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from harken.emulate.wifi_env import WifiNetwork
from harken.pytest_plugin import ConsoleWire, SoftApWire

PROTOCOL = Path(__file__).resolve().parent.parent / "protocol"
CLAIMED_NO = "Device claimed: no\r\n"
CLAIMED_ANY = ("Device claimed: no\r\n", "Device claimed: yes\r\n")


@cache
def _vectors(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROTOCOL / name / "vectors.json").read_text("utf-8"))
    return data


def latin1(text: str) -> bytes:
    """The vectors' byte strings: one character per byte."""
    return text.encode("latin-1")


def console_case(name: str) -> list[dict[str, str]]:
    """The exchanges of one case of protocol/serial-console/vectors.json."""
    for case in _vectors("serial-console")["cases"]:
        if case["name"] == name:
            return list(case["exchanges"])
    raise KeyError(name)


def softap_cases(names: Iterable[str]) -> list[dict[str, str]]:
    """Cases of protocol/softap/vectors.json, by name, in the order given."""
    by_name = {case["name"]: case for case in _vectors("softap")["cases"]}
    return [by_name[name] for name in names]


def networks(entries: Sequence[Mapping[str, Any]]) -> list[WifiNetwork]:
    """A vector file's networks (security as hex text) as simulated networks."""
    return [
        WifiNetwork(
            ssid=str(n["ssid"]),
            security=int(str(n["security"]), 16),
            channel=int(n.get("channel", 1)),
            rssi=int(n.get("rssi", -50)),
            password=n.get("password"),
        )
        for n in entries
    ]


def console_networks() -> list[WifiNetwork]:
    """The networks the serial-console vectors assume the device sees."""
    return networks(_vectors("serial-console")["networks"])


def softap_networks() -> list[WifiNetwork]:
    """The networks the SoftAP vectors assume the device sees."""
    return networks(_vectors("softap")["networks"])


def replay_console(
    wire: ConsoleWire, exchanges: Iterable[Mapping[str, str]], *, fresh: bool
) -> None:
    """Send each exchange and expect its bytes exactly. On a DUT that is not fresh the
    claimed flag (``c``) may say either."""
    for step, exchange in enumerate(exchanges):
        what = f"step {step} (sent {exchange['send']!r})"
        wire.send(latin1(exchange["send"]))
        expected = exchange["expect"]
        if exchange["send"] == "c" and expected == CLAIMED_NO and not fresh:
            line = wire.read_until("\r\n", what).decode("latin-1")
            assert line in CLAIMED_ANY, f"{what}: {line!r}"
            continue
        wire.expect(latin1(expected), what)


def replay_softap(wire: SoftApWire, cases: Iterable[Mapping[str, str]]) -> list[str]:
    """Replay SoftAP cases, each on a new connection; return one line per mismatch."""
    mismatches = []
    for case in cases:
        request = latin1(case["request"])
        reply = wire.tcp(request) if case["transport"] == "tcp" else wire.http(request)
        if reply != latin1(case["reply"]):
            mismatches.append(
                f"{case['name']}:\n    expected {latin1(case['reply'])!r}\n    got      {reply!r}"
            )
    return mismatches
