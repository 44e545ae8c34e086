"""Which console a command talks to when none is named: the one Particle device on USB, else
the emulated device started here with the default state folder."""

from __future__ import annotations

import sys

from harken.emulate.ready_event import DEFAULT_STATE, running_console
from harken.transport.discovery import DiscoveryError, UsbDevice, find_device


def console_port(explicit: str | None) -> tuple[str, UsbDevice | None]:
    """The port to open and, when it was found on USB, the device found there."""
    if explicit:
        return explicit, None
    try:
        device = find_device()
        return device.port, device
    except DiscoveryError:
        console = running_console(DEFAULT_STATE)
        if console is None:
            raise
        sys.stderr.write(f"harken: no device on USB; using the emulated one at {console}\n")
        return console, None
