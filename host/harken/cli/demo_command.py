"""``harken demo``: setting up a native virtual device end to end, over USB serial and SoftAP.

Starts a virtual device with a small simulated Wi-Fi neighbourhood, then does what a person
setting up a dev kit does: over USB serial, identify it and read its MAC and modules; over
its setup AP, give it a claim code and Wi-Fi credentials with the passphrase encrypted to
its key — first a wrong passphrase, which the device reports as such without a restart,
then the right one, which it joins. Then a 3.5 s hold of its SETUP button puts it back into
listening mode, its LED blinking blue, as measured on the bench. Finally the device's stored
configuration is read back to prove the credentials landed. Exit status 0 only if every step
checked out.
"""

from __future__ import annotations

import argparse
import secrets
import string
import tempfile
from pathlib import Path
from typing import Any

from harken.cli.output import emit, fail
from harken.console.client import ConsoleClient
from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import WifiNetwork, write_wifi_env
from harken.fixture import FixtureClient
from harken.fixture.led_timeline import colour_name, measure_blink
from harken.protocol.fixture_lines import ModeEvent
from harken.protocol.platform import PLATFORMS
from harken.protocol.store import current_sector
from harken.protocol.wifi_config import decode_wifi_config
from harken.softap.client import SoftApClient
from harken.softap.setup_flow import SetupRequest, run_setup

DEMO_SSID = "HomeNet"
DEMO_PASSWORD = "demo-passphrase"
HOLD_MS = 3500
WATCH_MS = 1600
"""How long the LED is watched after listening mode begins (three 500 ms blinks)."""
DEMO_NETWORKS = (
    WifiNetwork(DEMO_SSID, 0x00400004, channel=6, rssi=-48, password=DEMO_PASSWORD),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63),
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``demo``."""
    demo = commands.add_parser(
        "demo", help="set up a virtual device over serial and SoftAP, end to end"
    )
    demo.add_argument(
        "--platform",
        choices=[p.name for p in PLATFORMS if p.has_wifi],  # the demo sets up Wi-Fi
        default="photon",
        help="platform to emulate",
    )
    demo.add_argument("--state", type=Path, metavar="DIR", help="keep the device state here")
    demo.add_argument("--json", action="store_true", help="print the outcome as JSON")
    demo.set_defaults(handler=run_demo)


def write_networks(state: Path) -> None:
    """The simulated radio's neighbourhood (the native device re-reads it on every scan)."""
    write_wifi_env(state, DEMO_NETWORKS)


def run_demo(args: argparse.Namespace) -> int:
    if args.state:
        args.state.mkdir(parents=True, exist_ok=True)
        return demo(args.state, args)
    with tempfile.TemporaryDirectory(prefix="harken-demo-") as tmp:
        return demo(Path(tmp), args)


def demo(state: Path, args: argparse.Namespace) -> int:
    write_networks(state)
    lines: list[str] = []
    result: dict[str, Any] = {"platform": args.platform}

    def step(text: str) -> None:
        lines.append(text)
        if not args.json:
            print(text, flush=True)

    with NativeDevice(state, args.platform) as device:
        step(f"virtual {args.platform} running, console {device.console}")
        with ConsoleClient.open(device.console) as console:
            identity = console.identify()
            step(f"identify    device id {identity.device_id}")
            version = console.version()
            step(f"version     system firmware {version.version}")
            step(f"mac         {console.mac()}")
            describe = console.inspect()
            modules = ", ".join(
                f"{m.function_name} #{m.index} v{m.version}" for m in describe.modules
            )
            step(f"inspect     platform {describe.platform_id}: {modules}")
        claim_code = "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(63)
        )
        softap = SoftApClient("127.0.0.1", device.softap_tcp_port)
        step(f"softap      setup AP on 127.0.0.1:{device.softap_tcp_port}")
        wrong = run_setup(
            softap,
            SetupRequest(DEMO_SSID, password="not-the-passphrase", claim_code=claim_code),
            progress=step,
        )
        step(f"outcome     {wrong.message}")
        if wrong.joined is not False or wrong.reason != "wrong-password":
            return fail("the device did not report the wrong passphrase")
        right = run_setup(softap, SetupRequest(DEMO_SSID, password=DEMO_PASSWORD), progress=step)
        step(f"outcome     {right.message}")
        if not right.joined:
            return fail(f"the device did not join {DEMO_SSID}: {right.message}")
        result.update(device_id=identity.device_id, firmware=version.version)
        assert device.fixture_port is not None
        with FixtureClient("127.0.0.1", device.fixture_port) as bench:
            blink = hold_setup_button(bench)
        if blink is None:
            return fail("the SETUP hold did not bring back listening mode with a blinking LED")
        step(f"button      SETUP held {HOLD_MS / 1000:.1f} s: listening mode, LED {blink}")
        result["button"] = blink
    sector = current_sector((state / "dct.bin").read_bytes())
    if sector is None:
        return fail("the device has no valid stored configuration")
    networks = decode_wifi_config(sector.wifi_config).networks
    stored = [n.ssid for n in networks]
    result.update(stored_networks=stored, ok=DEMO_SSID in stored)
    step(f"stored      Wi-Fi profiles in the device's DCT: {stored}")
    if not result["ok"]:
        return fail(f"{DEMO_SSID} is not among the stored networks")
    emit(args.json, result, ["done: the virtual device is set up"])
    return 0


def hold_setup_button(bench: FixtureClient) -> str | None:
    """Hold SETUP on the bench; how the LED blinks once listening mode is back (None if it
    does not come back, or the LED does not blink)."""
    try:
        # The device leaves listening mode just after the join's outcome has been read.
        bench.wait_for(lambda e: isinstance(e, ModeEvent) and e.name == "normal", 10)
        mark = bench.mark()
        bench.press(HOLD_MS)
        entered = bench.wait_for(
            lambda e: isinstance(e, ModeEvent) and e.name == "listening", 10, since=mark
        )
        bench.wait_for(lambda e: e.ms >= entered.ms + WATCH_MS, 10, since=mark)
    except TimeoutError:
        return None
    blink = measure_blink(bench.events, entered.ms, entered.ms + WATCH_MS)
    if blink is None:
        return None
    return f"blinking {colour_name(blink.rgb8)} every {blink.period_ms} ms"
