"""Shared fixtures: the real native virtual device, built once per session.

``native_device(platform, identity=…, wifi_env=…)`` starts a :class:`NativeDevice` whose state
lives in ``tmp_path``; every device a test starts is stopped afterwards (SIGTERM, then SIGKILL),
whether the test passed or not. A session-wide registry kills any straggler at the end.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from console_io import VECTOR_NETWORKS, identity_for, write_identity, write_wifi_env
from harken.emulate.native import ENV_PROGRAM, NativeDevice, NativeDeviceError, build_native
from harken.emulate.wifi_env import WifiNetwork

_ALL_DEVICES: list[NativeDevice] = []


@pytest.fixture(scope="session")
def native_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The native program: ``$HARKEN_NATIVE_PROGRAM`` if set, else built once with
    ``pio run -e native`` and copied out of ``.pio`` so that a rebuild of the checkout while
    the tests run cannot pull it from under them."""
    override = os.environ.get(ENV_PROGRAM)
    if override:
        program = Path(override)
        assert program.is_file(), f"{ENV_PROGRAM} points to a missing file"
        return program
    for attempt in range(3):
        try:
            built = build_native()
            copy = tmp_path_factory.mktemp("native") / "program"
            shutil.copy2(built, copy)
            return copy
        except (NativeDeviceError, FileNotFoundError):
            if attempt == 2:
                raise
            time.sleep(2.0)  # another build of the checkout may be under way
    raise AssertionError("unreachable")


StartDevice = Callable[..., NativeDevice]


@pytest.fixture
def native_device(native_program: Path, tmp_path: Path) -> Iterator[StartDevice]:
    """Factory: ``native_device(platform="photon", identity=None, wifi_env=VECTOR_NETWORKS,
    state=None, start=True, **NativeDevice kwargs)``.

    ``identity`` is a mapping of identity.txt keys (a ``platform`` key is ignored) or the name
    of a vector identity; None lets the program create a random one. ``wifi_env`` is a list of
    :class:`WifiNetwork` or network dicts (``ssid``, ``security`` hex, ``channel``, ``rssi``,
    optional ``password``, ``join_ms``, ``behaviour``) or None for no file.
    """
    started: list[NativeDevice] = []
    counter = iter(range(1_000_000))

    def start(
        platform: str = "photon",
        identity: Mapping[str, str] | str | None = None,
        wifi_env: Sequence[Mapping[str, object] | WifiNetwork] | None = VECTOR_NETWORKS,
        *,
        state: Path | None = None,
        start: bool = True,
        **kwargs: object,
    ) -> NativeDevice:
        state = state or tmp_path / f"device-{next(counter)}"
        state.mkdir(parents=True, exist_ok=True)
        if isinstance(identity, str):
            identity = identity_for(identity)
        if identity is not None:
            write_identity(state, identity)
        if wifi_env is not None:
            write_wifi_env(state, wifi_env)
        device = NativeDevice(state, platform, program=native_program, **kwargs)
        started.append(device)
        _ALL_DEVICES.append(device)
        if start:
            device.start()
        return device

    try:
        yield start
    finally:
        for device in started:
            _shut_down(device)


def _shut_down(device: NativeDevice) -> None:
    try:
        device.stop(timeout=2.0)
    except Exception:  # noqa: BLE001 - a failing stop must not leave a process behind
        device.kill()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Last line of defence against orphans (e.g. a fixture interrupted mid-teardown)."""
    for device in _ALL_DEVICES:
        if device.running:
            device.kill()
