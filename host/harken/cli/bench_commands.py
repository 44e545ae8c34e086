"""``harken button`` and ``harken led``: the bench around an emulated device (its SETUP
button and RGB LED, protocol/fixture.md). The device is found through the ready event its
``harken emulate`` wrote into the state folder, or by ``--port``."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from harken.cli.output import emit, to_jsonable
from harken.emulate.ready_event import DEFAULT_STATE, read_ready_file
from harken.errors import HarkenError
from harken.fixture import FixtureClient
from harken.fixture.led_plot import write_svg
from harken.fixture.led_timeline import colour_name
from harken.protocol.fixture_lines import ButtonEvent, FixtureEvent, LookEvent, ModeEvent

SETTLE_S = 1.5
"""How long after a gesture the outcome is awaited (the click window is 1 s)."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def duration_ms(text: str) -> int:
    """``3s``, ``3.5s``, ``500ms`` or plain seconds (``3``) as milliseconds."""
    match = _DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 3s, 500ms)")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return round(value * (1 if unit == "ms" else 1000))


def add_parser(commands: argparse._SubParsersAction) -> None:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--state", type=Path, default=DEFAULT_STATE, metavar="DIR",
        help=f"the emulated device's state folder (default: {DEFAULT_STATE})",
    )  # fmt: skip
    where.add_argument("--port", type=int, help="the fixture port on 127.0.0.1 instead")
    where.add_argument("--json", action="store_true", help="print JSON")

    button = commands.add_parser("button", help="press the SETUP button of an emulated device")
    sub = button.add_subparsers(dest="action", metavar="ACTION", required=True)
    press = sub.add_parser("press", parents=[where], help="a click, a hold or a click series")
    press.add_argument("--hold", type=duration_ms, metavar="DURATION", help="e.g. 3s, 10.5s")
    press.add_argument("--clicks", type=int, metavar="N", help="N clicks (1-20)")
    press.add_argument("--press", dest="press_ms", type=duration_ms, default=100,
                       metavar="DURATION", help="length of each click (default 100ms)")  # fmt: skip
    press.add_argument("--gap", dest="gap_ms", type=duration_ms, default=200,
                       metavar="DURATION", help="pause between clicks (default 200ms)")  # fmt: skip
    press.set_defaults(handler=run_press)
    reset = sub.add_parser(
        "reset", parents=[where], help="power-cycle the device, SETUP held for --hold"
    )
    reset.add_argument(
        "--hold", type=duration_ms, default=0, metavar="DURATION",
        help="1s: safe mode, 3s: DFU, 10s: clear Wi-Fi (default: not held)",
    )  # fmt: skip
    reset.set_defaults(handler=run_reset)

    led = commands.add_parser("led", help="watch the RGB LED of an emulated device")
    led_sub = led.add_subparsers(dest="action", metavar="ACTION", required=True)
    watch = led_sub.add_parser("watch", parents=[where], help="live colour and pattern readout")
    watch.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    watch.add_argument("--plot", type=Path, metavar="FILE.svg", help="draw the timeline")
    watch.set_defaults(handler=run_watch)


def connect(args: argparse.Namespace) -> FixtureClient:
    port = args.port
    if port is None:
        port = read_ready_file(args.state).get("fixture")
        if not isinstance(port, int):
            raise HarkenError(f"the device on {args.state} has no fixture port")
    return FixtureClient("127.0.0.1", port)


def describe(event: FixtureEvent, start_ms: int) -> str:
    """One readable line for an event, timed from ``start_ms``."""
    at = f"{(event.ms - start_ms) / 1000:8.3f} s  "
    if isinstance(event, LookEvent):
        colour = colour_name(((event.rgb >> 16) & 255, (event.rgb >> 8) & 255, event.rgb & 255))
        how = {"blink": "blinking", "breathe": "breathing"}.get(event.pattern, "solid")
        period = f", {event.period_ms} ms" if event.pattern != "solid" else ""
        return f"{at}LED   {how} {colour}{period}  ({event.name})"
    if isinstance(event, ModeEvent):
        return f"{at}MODE  {event.name}"
    if isinstance(event, ButtonEvent):
        return f"{at}BTN   {event.event} {event.value}"
    return f"{at}{event}"


def _notable(event: FixtureEvent) -> bool:
    return isinstance(event, LookEvent | ModeEvent | ButtonEvent)


def run_press(args: argparse.Namespace) -> int:
    with connect(args) as bench:
        mark = bench.mark()
        if args.clicks is not None:
            bench.clicks(args.clicks, args.press_ms, args.gap_ms)
            lasts = args.clicks * (args.press_ms + args.gap_ms)
        else:
            hold = args.hold if args.hold is not None else args.press_ms
            bench.press(hold)
            lasts = hold
        time.sleep(lasts / 1000 + SETTLE_S)
        return report(args, bench.since(mark))


def run_reset(args: argparse.Namespace) -> int:
    with connect(args) as bench:
        mark = bench.mark()
        bench.reset(args.hold)
        time.sleep(args.hold / 1000 + SETTLE_S)
        return report(args, bench.since(mark))


def report(args: argparse.Namespace, events: list[FixtureEvent]) -> int:
    notable = [e for e in events if _notable(e)]
    start = events[0].ms if events else 0
    emit(args.json, {"events": to_jsonable(notable)}, [describe(e, start) for e in notable])
    return 0


def run_watch(args: argparse.Namespace) -> int:
    with connect(args) as bench:
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        shown = 0
        start: int | None = None
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.05)
                events = bench.events
                for event in events[shown:]:
                    start = event.ms if start is None else start
                    if _notable(event):
                        emit(args.json, {"event": to_jsonable(event), "kind": type(event).__name__},
                             [describe(event, start)])  # fmt: skip
                shown = len(events)
        except KeyboardInterrupt:
            pass
        if args.plot is not None:
            write_svg(bench.events, args.plot, title="harken led watch")
            sys.stderr.write(f"timeline written to {args.plot}\n")
    return 0
