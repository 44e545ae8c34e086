"""The DUT's fixture channel as a conformance test drives it: one line out, its one-line
answer back (protocol/qemu-fixture.md; the bench's button and LED have ``dut_bench``)."""

from __future__ import annotations

import re
from typing import Protocol

ANSWER_TIMEOUT = 5.0


class FixtureDevice(Protocol):
    """What an emulated device with a fixture channel offers (QemuDevice does)."""

    @property
    def fixture_lines(self) -> list[str]: ...

    def fixture_request(self, line: str, timeout: float) -> str: ...


class FixtureLines:
    """Send a command on the fixture channel and wait for the device's answer to it."""

    def __init__(self, device: FixtureDevice) -> None:
        self._device = device

    def command(self, line: str, timeout: float = ANSWER_TIMEOUT) -> str:
        """``line`` (no newline), then the device's answer to it (``OK``, ``ERR …``, …). The
        runner sends lines of its own (``BAUD`` when a client opens the console), so the
        answer is the one matched to this command, not merely the next one."""
        return self._device.fixture_request(line, timeout)

    def seen(self, pattern: str) -> bool:
        """Whether the device has sent a line matching ``pattern`` in this run."""
        return any(re.search(pattern, line) for line in self._device.fixture_lines)
