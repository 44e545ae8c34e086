"""The DUT's fixture channel as a conformance test drives it: one line out, its one-line
answer back (protocol/qemu-fixture.md; the button and LED lines join it later)."""

from __future__ import annotations

import re
from typing import Protocol

ANSWER_TIMEOUT = 5.0


class FixtureDevice(Protocol):
    """What an emulated device with a fixture channel offers (QemuDevice does)."""

    @property
    def fixture_lines(self) -> list[str]: ...

    def send_fixture_line(self, line: str) -> None: ...

    def wait_for_fixture_line(self, pattern: str, timeout: float, *, start: int = 0) -> str: ...


class FixtureLines:
    """Send a command on the fixture channel and wait for the device's answer to it."""

    def __init__(self, device: FixtureDevice) -> None:
        self._device = device

    def command(self, line: str, timeout: float = ANSWER_TIMEOUT) -> str:
        """``line`` (no newline), then the next answer line (``OK``, ``ERR …``, …)."""
        start = len(self._device.fixture_lines)
        self._device.send_fixture_line(line)
        return self._device.wait_for_fixture_line(r"^(OK|ERR\b).*", timeout, start=start)

    def seen(self, pattern: str) -> bool:
        """Whether the device has sent a line matching ``pattern`` in this run."""
        return any(re.search(pattern, line) for line in self._device.fixture_lines)
