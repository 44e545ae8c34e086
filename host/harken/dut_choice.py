"""``--dut native|qemu|serial:PORT``: which device a test run or a fuzz run is pointed at.
Shared by the pytest plugin and ``harken fuzz``; free of pytest so the CLI needs no pytest."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

DUT_KINDS = ("native", "qemu", "serial")


@dataclass(frozen=True)
class DutChoice:
    """The kind of device, and the port for a real board."""

    kind: str
    port: str | None = None

    def __str__(self) -> str:
        return f"serial:{self.port}" if self.kind == "serial" else self.kind


def parse_dut(text: str) -> DutChoice:
    """``native``, ``qemu`` or ``serial:PORT``; argparse.ArgumentTypeError otherwise."""
    kind, sep, port = text.partition(":")
    if kind == "serial":
        if not sep or not port:
            raise argparse.ArgumentTypeError("serial needs a port: --dut serial:/dev/ttyACM0")
        return DutChoice("serial", port)
    if kind in ("native", "qemu") and not sep:
        return DutChoice(kind)
    raise argparse.ArgumentTypeError(f"{text!r} is not a DUT; use native, qemu or serial:PORT")
