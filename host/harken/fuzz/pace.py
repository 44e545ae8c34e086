"""How long the fuzzer waits for each kind of device. Waits only decide when to stop
listening or when a device counts as hung; no verdict depends on how fast a device is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pace:
    """Waits in seconds."""

    console_quiet: float
    """The console has said all it will once it is silent this long."""
    reply_first_byte: float
    """A SoftAP connection with no byte back within this long is closed by the fuzzer."""
    reply_idle: float
    """After some reply bytes, this long without more ends the read (HTTP keep-alive)."""
    probe_timeout: float
    """A liveness probe unanswered this long means the device is not answering."""
    reply_total: float = 10.0


PACES = {
    "native": Pace(console_quiet=0.02, reply_first_byte=0.15, reply_idle=0.05, probe_timeout=5.0),
    "qemu": Pace(console_quiet=0.1, reply_first_byte=0.8, reply_idle=0.15, probe_timeout=10.0),
    "serial": Pace(console_quiet=0.3, reply_first_byte=3.0, reply_idle=0.3, probe_timeout=10.0),
}
