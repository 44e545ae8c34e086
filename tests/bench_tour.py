"""The README's bench tour, run through the ``harken`` command against an emulated device
started with the default state folder: store credentials over the console (the device
joins and leaves listening mode), hold SETUP 3 s, and watch the LED blink blue."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HARKEN = Path(sys.executable).with_name("harken")
TIMEOUT = 60


def harken(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [str(HARKEN), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert run.returncode == 0, f"harken {' '.join(args)}: {run.stderr}"
    return run


def bench_tour(kind: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    """``kind``: native or qemu."""
    env = {**os.environ, **(env or {})}
    emulate = subprocess.Popen(
        [str(HARKEN), "emulate", kind, "--network", "Cafe:open", "--json"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert emulate.stdout is not None
        assert select.select([emulate.stdout], [], [], TIMEOUT)[0], "no ready line"
        info = json.loads(emulate.stdout.readline())
        state = cwd / ".harken" / "device"
        assert json.loads((state / "ready.json").read_text())["fixture"] == info["fixture"]

        # No --port anywhere: the serial commands fall back to the emulated device here.
        harken(cwd, env, "serial", "wifi", "--ssid", "Cafe")
        pressed = json.loads(harken(cwd, env, "button", "press", "--hold", "3s", "--json").stdout)
        kinds = {(e.get("name"), e.get("event")) for e in pressed["events"]}
        assert ("listening", None) in kinds and ("LISTENING_MODE", None) in kinds, pressed

        plot = cwd / "led.svg"
        watch = harken(cwd, env, "led", "watch", "--seconds", "1.5", "--plot", str(plot))
        assert "blinking blue, 500 ms  (LISTENING_MODE)" in watch.stdout, watch.stdout
        assert "MODE  listening" in watch.stdout, watch.stdout
        svg = ET.parse(plot).getroot()
        assert svg.tag.endswith("svg") and "LISTENING_MODE" in plot.read_text()

        identify = json.loads(harken(cwd, env, "serial", "identify", "--json").stdout)
        assert identify["device_id"] == info["device_id"], identify
    finally:
        emulate.send_signal(signal.SIGINT)
        emulate.communicate(timeout=TIMEOUT)
    assert emulate.returncode == 0
    assert not (cwd / ".harken" / "device" / "ready.json").exists()
