"""The bench's line protocol (protocol/fixture.md): what a host sends to an emulated device's
fixture channel, and the event lines the device sends back with its own timestamps.

Event lines start with ``@``; every other line the device sends answers one command.
"""

from __future__ import annotations

from dataclasses import dataclass

HELLO = "HELLO harken-fixture 1"
MAX_PRESS_MS = 600_000
MAX_CLICKS = 20


class FixtureLineError(ValueError):
    """A line that is not what the protocol allows."""


@dataclass(frozen=True)
class LedEvent:
    """The LED's compare values changed (0..10000 per channel) at device time ``ms``."""

    ms: int
    r: int
    g: int
    b: int

    @property
    def lit(self) -> bool:
        return bool(self.r or self.g or self.b)


@dataclass(frozen=True)
class LookEvent:
    """What the LED shows changed: a system signal, an indication or a direct look."""

    ms: int
    name: str
    rgb: int
    pattern: str
    """``solid``, ``blink`` or ``breathe``."""
    period_ms: int


@dataclass(frozen=True)
class ButtonEvent:
    """The system saw the SETUP button: ``status`` (press length), ``click``, ``final``
    (a click series ended), ``cleared`` (credentials cleared: 1, or 0 if that failed)."""

    ms: int
    event: str
    value: int


@dataclass(frozen=True)
class ModeEvent:
    """The device's mode: ``bootloader``, ``dfu``, ``off``, ``listening``, ``normal``,
    ``safe``."""

    ms: int
    name: str


FixtureEvent = LedEvent | LookEvent | ButtonEvent | ModeEvent


def _ints(fields: list[str], count: int, line: str) -> list[int]:
    if len(fields) != count:
        raise FixtureLineError(f"expected {count} fields: {line!r}")
    try:
        return [int(f) for f in fields]
    except ValueError:
        raise FixtureLineError(f"not a number in {line!r}") from None


def parse_event(line: str) -> FixtureEvent:
    """One ``@`` line as an event; :class:`FixtureLineError` if malformed."""
    kind, _, rest = line.partition(" ")
    fields = rest.split(" ") if rest else []
    if kind == "@LED":
        ms, r, g, b = _ints(fields, 4, line)
        return LedEvent(ms, r, g, b)
    if kind == "@LOOK" and len(fields) == 5:
        (ms,) = _ints(fields[:1], 1, line)
        (period,) = _ints(fields[4:], 1, line)
        try:
            rgb = int(fields[2], 16)
        except ValueError:
            raise FixtureLineError(f"bad colour in {line!r}") from None
        return LookEvent(ms, fields[1], rgb, fields[3], period)
    if kind == "@BTN" and len(fields) == 3:
        ms, value = _ints([fields[0], fields[2]], 2, line)
        return ButtonEvent(ms, fields[1], value)
    if kind == "@MODE" and len(fields) == 2:
        (ms,) = _ints(fields[:1], 1, line)
        return ModeEvent(ms, fields[1])
    raise FixtureLineError(f"not an event line: {line!r}")


def press_command(hold_ms: int) -> str:
    """Press the button for ``hold_ms`` of device time."""
    if not 1 <= hold_ms <= MAX_PRESS_MS:
        raise FixtureLineError(f"a press lasts 1 to {MAX_PRESS_MS} ms, not {hold_ms}")
    return f"BTN PRESS {hold_ms}"


def clicks_command(count: int, press_ms: int, gap_ms: int) -> str:
    """``count`` presses of ``press_ms``, ``gap_ms`` apart."""
    if not 1 <= count <= MAX_CLICKS:
        raise FixtureLineError(f"1 to {MAX_CLICKS} clicks, not {count}")
    if not 1 <= press_ms <= MAX_PRESS_MS or not 0 <= gap_ms <= MAX_PRESS_MS:
        raise FixtureLineError("press and gap lengths are 1 (0 for a gap) to 600000 ms")
    return f"BTN CLICKS {count} {press_ms} {gap_ms}"


def reset_command(hold_ms: int = 0) -> str:
    """A power cycle; with ``hold_ms`` the button is held from the start for that long."""
    if hold_ms == 0:
        return "RESET"
    if not 1 <= hold_ms <= MAX_PRESS_MS:
        raise FixtureLineError(f"a boot hold lasts 1 to {MAX_PRESS_MS} ms, not {hold_ms}")
    return f"RESET HOLD {hold_ms}"
