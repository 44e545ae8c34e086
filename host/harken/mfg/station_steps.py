"""What each kind of station step does to the unit and how it judges the answer.

A step returns a :class:`Measured`; errors from the test pads (the unit silent, a refusal, a
broken frame) and from the fixture are left to the runner, which turns them into the step's
failure. Nothing here prints, and no password reaches a reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from harken.fixture.client import FixtureClient
from harken.mfg.led_reading import chromaticity, distance, show
from harken.mfg.operator_prompt import OperatorPrompt
from harken.mfg.run_result import UnitIdentity
from harken.mfg.station_config import (
    ButtonStep,
    Expect,
    JoinStep,
    LedStep,
    RssiStep,
    ScanStep,
    Step,
)
from harken.mfg.test_pads import TestModeRefused, TestPadsClient
from harken.protocol.fixture_lines import LedEvent
from harken.protocol.platform import platform_name
from harken.protocol.test_mode import Identity, Status, status_name

LED_SETTLE = 0.15
"""Seconds between holding a colour and reading it: longer than the LED's 25 ms update."""
BUTTON_PRESS_MS = 200
BUTTON_POLL = 0.05
REENTER_TIMEOUT = 15.0
"""How long a unit may take to reset and answer the preamble again."""


class StepAborted(Exception):
    """The step could not be carried out (e.g. a fixture step without a fixture)."""


@dataclass(frozen=True)
class Measured:
    passed: bool
    value: str
    limit: str
    reason: str


@dataclass
class StepContext:
    """What steps share on one unit."""

    serial_number: str
    client: TestPadsClient
    expect: Expect
    fixture: FixtureClient | None = None
    operator: OperatorPrompt | None = None
    identity: UnitIdentity | None = None
    sleep: Callable[[float], None] = field(default=time.sleep)


def run_step(step: Step, context: StepContext) -> Measured:
    """Carry out ``step`` on the unit."""
    if step.kind == "identify":
        return identify(context)
    if isinstance(step, LedStep):
        return led(step, context)
    if isinstance(step, ButtonStep):
        return button(step, context)
    if isinstance(step, JoinStep):
        return join(step, context)
    if isinstance(step, ScanStep):
        return scan(step, context)
    if isinstance(step, RssiStep):
        return rssi(step, context)
    if step.kind == "clear_credentials":
        context.client.clear_credentials()
        return Measured(True, "cleared", "", "Wi-Fi credentials cleared")
    if step.kind in ("reboot", "factory_reset"):
        return reset(step.kind, context)
    raise StepAborted(f"unknown step kind {step.kind!r}")


# --- identify ---------------------------------------------------------------------------------


def unit_identity(identity: Identity) -> UnitIdentity:
    return UnitIdentity(
        device_id=identity.device_id,
        platform_id=identity.platform_id,
        product_id=identity.product_id,
        product_version=identity.product_version,
        system_version=identity.system_version,
        module_version=identity.module_version,
        image_sha256=identity.image_sha256,
    )


def _platform(platform_id: int) -> str:
    return f"{platform_name(platform_id) or 'unknown'} ({platform_id})"


def system_version_matches(reported: str, expected: str) -> bool:
    """Exact, or equal once the build metadata after ``+`` is left out (``2.3.1`` matches
    ``2.3.1+harken.0.1.0``, as semantic versioning ranks them)."""
    return reported == expected or reported.split("+", 1)[0] == expected


def identify(context: StepContext) -> Measured:
    """IDENTIFY, checked against [expect]; keeps the identity in the context."""
    found = unit_identity(context.client.identify())
    context.identity = found
    expect = context.expect
    wrong = []
    if found.platform_id != expect.platform_id:
        wrong.append(
            f"platform {_platform(found.platform_id)}, expected {_platform(expect.platform_id)}"
        )
    if found.product_id != expect.product_id:
        wrong.append(f"product ID {found.product_id}, expected {expect.product_id}")
    if found.product_version != expect.product_version:
        wrong.append(f"product version {found.product_version}, expected {expect.product_version}")
    if expect.system_version is not None and not system_version_matches(
        found.system_version, expect.system_version
    ):
        wrong.append(f"system version {found.system_version}, expected {expect.system_version}")
    if expect.module_version is not None and found.module_version != expect.module_version:
        wrong.append(f"module version {found.module_version}, expected {expect.module_version}")
    value = (
        f"{platform_name(found.platform_id) or found.platform_id} product {found.product_id} "
        f"v{found.product_version} system {found.system_version} module {found.module_version}"
    )
    limit = f"{expect.platform} product {expect.product_id} v{expect.product_version}"
    if expect.system_version is not None:
        limit += f" system {expect.system_version}"
    if expect.module_version is not None:
        limit += f" module {expect.module_version}"
    if wrong:
        return Measured(False, value, limit, "; ".join(wrong))
    return Measured(True, value, limit, f"device {found.device_id}: {value}")


# --- LED and button ---------------------------------------------------------------------------


def led(step: LedStep, context: StepContext) -> Measured:
    """Hold the colour, read it (fixture) or ask (operator), give the LED back."""
    limit = f"{step.expect} {show(chromaticity(step.expect.rgb))} ±{step.tolerance:.2f}"
    context.client.led(step.colour.rgb)
    try:
        if step.sensor == "operator":
            return _led_by_operator(step, context, limit)
        return _led_by_fixture(step, context, limit)
    finally:
        context.client.led(None)


def _led_by_operator(step: LedStep, context: StepContext, limit: str) -> Measured:
    if context.operator is None:
        raise StepAborted("an operator step needs a terminal")
    seen = context.operator.ask_yes_no(context.serial_number, f"Is the LED {step.expect}?")
    if seen:
        return Measured(True, "operator: yes", str(step.expect), f"operator saw {step.expect}")
    return Measured(False, "operator: no", str(step.expect), f"operator did not see {step.expect}")


def read_led(fixture: FixtureClient) -> LedEvent | None:
    """The LED's drive now: ``HELLO`` makes the device report it again, ahead of the answer."""
    mark = fixture.mark()
    fixture.command("HELLO")
    events = [e for e in fixture.since(mark) if isinstance(e, LedEvent)]
    return events[-1] if events else None


def _led_by_fixture(step: LedStep, context: StepContext, limit: str) -> Measured:
    if context.fixture is None:
        raise StepAborted("the LED step reads the fixture, and this unit has none")
    context.sleep(LED_SETTLE)
    event = read_led(context.fixture)
    expected = chromaticity(step.expect.rgb)
    assert expected is not None  # the config refuses black
    read = chromaticity((event.r, event.g, event.b)) if event is not None else None
    if event is None:
        return Measured(False, "no reading", limit, "the fixture reported no LED reading")
    shown = f"{show(read)} drive {event.r}/{event.g}/{event.b}"
    if read is None:
        return Measured(
            False, shown, limit, f"LED dark for expected {step.expect} {show(expected)}"
        )
    off = distance(read, expected)
    if off > step.tolerance:
        return Measured(
            False,
            shown,
            limit,
            f"LED read {show(read)} for expected {step.expect} {show(expected)}: "
            f"off by {off:.2f} > {step.tolerance:.2f}",
        )
    return Measured(True, shown, limit, f"LED {show(read)} within {off:.2f} of {step.expect}")


def button(step: ButtonStep, context: StepContext) -> Measured:
    """The SETUP button must be seen pressed: by the fixture's press, or the operator's."""
    before = context.client.button().presses
    if step.source == "fixture":
        if context.fixture is None:
            raise StepAborted("the button step presses through the fixture, and this unit has none")
        context.fixture.press(BUTTON_PRESS_MS)
    else:
        if context.operator is None:
            raise StepAborted("an operator step needs a terminal")
        context.operator.tell(
            context.serial_number, f"Press the SETUP button (within {step.timeout_s:.0f} s)"
        )
    deadline = time.monotonic() + step.timeout_s
    presses = before
    while True:
        state = context.client.button()
        presses = state.presses
        if presses > before:
            return Measured(True, f"presses {before} → {presses}", "≥ 1 press", "SETUP press seen")
        if time.monotonic() >= deadline:
            return Measured(
                False,
                f"presses {before} → {presses}",
                "≥ 1 press",
                f"no SETUP press seen within {step.timeout_s:.0f} s",
            )
        context.sleep(BUTTON_POLL)


# --- Wi-Fi ------------------------------------------------------------------------------------


def join(step: JoinStep, context: StepContext) -> Measured:
    result = context.client.join(step.ssid, step.password, step.security, timeout_s=step.timeout_s)
    limit = f"joins {step.ssid}"
    if result.status == Status.OK:
        return Measured(
            True, f"{result.rssi} dBm", limit, f"joined {step.ssid} at {result.rssi} dBm"
        )
    name = status_name(result.status)
    return Measured(False, name, limit, f"joining {step.ssid} failed: {name}")


def scan(step: ScanStep, context: StepContext) -> Measured:
    networks = context.client.scan()
    limit = f"{step.ssid} ≥ {step.min_rssi} dBm"
    seen = [n.rssi for n in networks if n.ssid == step.ssid]
    if not seen:
        return Measured(
            False,
            "not seen",
            limit,
            f"{step.ssid} not seen ({len(networks)} other networks in the scan)",
        )
    best = max(seen)
    if best < step.min_rssi:
        return Measured(
            False,
            f"{best} dBm",
            limit,
            f"{step.ssid} at {best} dBm is below the limit {step.min_rssi} dBm",
        )
    return Measured(
        True, f"{best} dBm", limit, f"{step.ssid} at {best} dBm (limit {step.min_rssi})"
    )


def rssi(step: RssiStep, context: StepContext) -> Measured:
    limit = f"≥ {step.min_rssi} dBm"
    try:
        link = context.client.rssi()
    except TestModeRefused as exc:
        if exc.status != Status.NOT_CONNECTED:
            raise
        return Measured(
            False, "not joined", limit, "not joined to a network (put a join step before rssi)"
        )
    if link.rssi < step.min_rssi:
        return Measured(
            False,
            f"{link.rssi} dBm",
            limit,
            f"RSSI {link.rssi} dBm on {link.ssid} is below the limit {step.min_rssi} dBm",
        )
    return Measured(
        True, f"{link.rssi} dBm", limit, f"{link.rssi} dBm on {link.ssid} (limit {step.min_rssi})"
    )


# --- resets -----------------------------------------------------------------------------------


def reset(kind: str, context: StepContext) -> Measured:
    """REBOOT or FACTORY_RESET, then the preamble again until the unit says HELLO: it is back."""
    began = time.monotonic()
    if kind == "reboot":
        context.client.reboot()
    else:
        context.client.factory_reset()
    hello = context.client.enter(timeout=REENTER_TIMEOUT)
    back_ms = round((time.monotonic() - began) * 1000)
    if context.identity is not None and hello.device_id != context.identity.device_id:
        return Measured(
            False,
            f"device {hello.device_id}",
            f"device {context.identity.device_id}",
            f"another device answered after the {kind}: {hello.device_id}",
        )
    what = "reset" if kind == "reboot" else "reset to factory state"
    return Measured(True, f"back in {back_ms} ms", "", f"{what}, back in test mode in {back_ms} ms")
