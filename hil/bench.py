"""What the button and LED conformance tests share: getting the DUT out of listening mode,
waiting for its mode, and measuring what its LED did, all on the device's own clock."""

from __future__ import annotations

from harken.emulate.wifi_env import WifiNetwork
from harken.fixture import FixtureClient
from harken.fixture.led_timeline import Blink, measure_blink
from harken.protocol.fixture_lines import ButtonEvent, FixtureEvent, LookEvent, ModeEvent
from harken.pytest_plugin import SOFTAP, ConsoleWire, DeviceUnderTest
from harken.pytest_plugin.softap_wire import wait_until_up
from harken.softap.client import SoftApClient

CAFE = WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63, join_ms=50)
MODE_TIMEOUT = 20.0
TICK_MS = 10
"""The button's debounce tick: holds are measured in its steps."""
LED_TOLERANCE_MS = 40
"""Blink periods may be off by this much: the LED service updates on a 25 ms tick and the
device's loop may be a tick late."""


def current_mode(bench: FixtureClient) -> str | None:
    modes = [e for e in bench.events if isinstance(e, ModeEvent)]
    return modes[-1].name if modes else None


def wait_mode(bench: FixtureClient, name: str, since: int, timeout: float = MODE_TIMEOUT) -> int:
    """Device time at which the DUT reported mode ``name`` after position ``since``."""
    event = bench.wait_for(
        lambda e: isinstance(e, ModeEvent) and e.name == name, timeout, since=since
    )
    return event.ms


def wait_look(bench: FixtureClient, name: str, since: int, timeout: float = MODE_TIMEOUT) -> int:
    """Device time at which the LED started showing ``name`` after position ``since``."""
    event = bench.wait_for(
        lambda e: isinstance(e, LookEvent) and e.name == name, timeout, since=since
    )
    return event.ms


def wait_button(
    bench: FixtureClient, event: str, since: int, timeout: float = MODE_TIMEOUT
) -> ButtonEvent:
    found = bench.wait_for(
        lambda e: isinstance(e, ButtonEvent) and e.event == event, timeout, since=since
    )
    assert isinstance(found, ButtonEvent)
    return found


def button_events(events: list[FixtureEvent]) -> list[tuple[str, int]]:
    return [(e.event, e.value) for e in events if isinstance(e, ButtonEvent)]


def press_and_settle(
    bench: FixtureClient, hold_ms: int, settle_ms: int = 1500
) -> tuple[int, ButtonEvent]:
    """Press SETUP for ``hold_ms`` outside listening mode and wait ``settle_ms`` of device time
    past the release (the click window is 1 s). Returns the record position before the press
    and the release's ``status`` event."""
    mark = bench.mark()
    bench.press(hold_ms)
    released = bench.wait_for(
        lambda e: isinstance(e, ButtonEvent) and e.event == "status" and e.value > 0,
        hold_ms / 1000 + MODE_TIMEOUT,
        since=mark,
    )
    bench.wait_for(lambda e: e.ms >= released.ms + settle_ms, MODE_TIMEOUT, since=mark)
    assert isinstance(released, ButtonEvent)
    return mark, released


def go_normal(dut: DeviceUnderTest, bench: FixtureClient, console_wire: ConsoleWire) -> int:
    """Leave listening mode for normal operation with credentials: the Photon/P1 store an
    open network over SoftAP and join it; the Electron's SIM is its credential. Returns the
    device time the DUT reported normal mode."""
    mark = bench.mark()
    if dut.has(SOFTAP):
        dut.set_wifi_environment([CAFE])
        assert dut.softap_host is not None and dut.softap_tcp_port is not None
        softap = SoftApClient(dut.softap_host, dut.softap_tcp_port)
        wait_until_up(softap)
        softap.configure(CAFE.ssid, security="open", channel=CAFE.channel)
    console_wire.send("x")
    return wait_mode(bench, "normal", mark)


def blink_after(bench: FixtureClient, start_ms: int, seconds: float, since: int = 0) -> Blink:
    """The blink the LED shows for ``seconds`` of device time after ``start_ms``, among the
    events after record position ``since`` (a reset restarts the QEMU device's clock, so
    events from before it can carry the same times)."""
    end = start_ms + int(seconds * 1000)
    bench.wait_for(lambda e: e.ms >= end, seconds + MODE_TIMEOUT, since=since)
    blink = measure_blink(bench.since(since), start_ms, end)
    assert blink is not None, f"the LED did not blink between {start_ms} and {end} ms"
    return blink
