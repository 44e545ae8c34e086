"""The plugin's command-line options and what they select."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from harken.protocol.platform import PLATFORMS

DUT_KINDS = ("native", "qemu", "serial")
PLATFORM_NAMES = tuple(p.name for p in PLATFORMS)
DEFAULT_DUT = "native"
DEFAULT_PLATFORM = "photon"
DUT_HELP = (
    "device under test: 'native' (the virtual device, default), 'qemu' (the Cortex-M3 image "
    "under QEMU) or 'serial:PORT' (a real board on a pyserial URL such as /dev/ttyACM0)"
)


@dataclass(frozen=True)
class DutChoice:
    """``--dut``: the kind of device, and the port for a real board."""

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


@dataclass(frozen=True)
class DutSpec:
    """Everything the options say about the device under test."""

    kind: str
    platform: str
    port: str | None = None
    softap_host: str | None = None

    def describe(self) -> str:
        where = f" on {self.port}" if self.port else ""
        return f"{self.kind} {self.platform}{where}"
