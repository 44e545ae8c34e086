"""The plugin's command-line options and what they select."""

from __future__ import annotations

from dataclasses import dataclass

from harken.protocol.platform import PLATFORMS

PLATFORM_NAMES = tuple(p.name for p in PLATFORMS)
DEFAULT_DUT = "native"
DEFAULT_PLATFORM = "photon"
DUT_HELP = (
    "device under test: 'native' (the virtual device, default), 'qemu' (the Cortex-M3 image "
    "under QEMU) or 'serial:PORT' (a real board on a pyserial URL such as /dev/ttyACM0)"
)


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
