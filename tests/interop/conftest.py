"""Fixtures of the interop tests: native virtual devices for peer clients to talk to.

``native_program`` (the built program, once per session) comes from tests/conftest.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from harken.emulate.native import NativeDevice, seed_identity

LISTENING_TIMEOUT = 5.0


def enter_listening_mode(device: NativeDevice) -> None:
    """The 28800-baud trick (open the port at 28800, close it), then wait for the device
    to log that it entered listening mode."""
    port = serial.Serial()
    port.port = device.console
    port.baudrate = 28800
    port.open()
    port.close()
    deadline = time.monotonic() + LISTENING_TIMEOUT
    while "[listening] entered" not in device.log_path.read_text(errors="replace"):
        if time.monotonic() > deadline:
            pytest.fail(f"no listening mode {LISTENING_TIMEOUT} s after the 28800-baud trick")
        time.sleep(0.05)


@pytest.fixture
def start_device(tmp_path: Path, native_program: Path) -> Iterator[Callable[..., NativeDevice]]:
    """Factory: ``start_device(platform, wifi_env="", **identity)`` starts a fresh device
    in listening mode (Electron via the 28800-baud trick); all are stopped afterwards."""
    devices: list[NativeDevice] = []

    def start(platform: str = "photon", *, wifi_env: str = "", **identity: str) -> NativeDevice:
        state = tmp_path / f"{platform}-{len(devices)}"
        state.mkdir()
        if identity:
            seed_identity(state, **identity)
        (state / "wifi-env.txt").write_text(wifi_env, encoding="utf-8")
        device = NativeDevice(state, platform, program=native_program)
        devices.append(device)
        device.start()
        if platform == "electron":
            enter_listening_mode(device)
        return device

    try:
        yield start
    finally:
        for device in devices:
            device.stop(timeout=2.0)  # SIGTERM, then SIGKILL
