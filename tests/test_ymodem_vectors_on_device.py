"""protocol/ymodem/vectors.json replayed against the running native device over its pty: the
sessions whose outcome does not depend on a scripted sink (the user's abort and the sender's
cancel), byte for byte. The others stage a 300-byte filler file that a real device refuses
as no module (-1300) rather than taking or refusing as the vector's scripted sink does; the
C++ replay (test_ymodem_vectors.cpp) covers them, and tests/flash covers real images."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harken.emulate.native import NativeDevice
from harken.flash.ymodem_sender import FLASHER_BAUD
from harken.transport.serial_port import SerialPort

VECTORS = Path(__file__).resolve().parents[1] / "protocol" / "ymodem" / "vectors.json"
ON_DEVICE = ("user-abort", "sender-abort")
CASES: list[dict[str, Any]] = [
    c for c in json.loads(VECTORS.read_text())["cases"] if c["name"] in ON_DEVICE
]

StartDevice = Callable[..., NativeDevice]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("platform", ["photon", "electron"])
def test_the_device_answers_every_step_byte_for_byte(
    native_device: StartDevice, platform: str, case: dict[str, Any]
) -> None:
    device = native_device(platform, identity="electron" if platform == "electron" else None)
    with SerialPort(device.console, FLASHER_BAUD) as port:  # listening mode
        time.sleep(0.3)
        for n, step in enumerate(case["steps"]):
            time.sleep(step["advance_ms"] / 1000)
            port.write(bytes.fromhex(step["host"]))
            expected = bytes.fromhex(step["device"])
            answer = port.read_batch(silence=0.2, timeout=5.0) if expected else b""
            assert answer == expected, f"step {n}"
        port.write(b"v")  # the console has the port again
        assert port.read_batch(silence=0.2, timeout=5.0).startswith(b"system firmware version")
