"""The QEMU device's simulated Wi-Fi neighbourhood: ``STATE/wifi-env.txt``, the native
device's file (:mod:`harken.emulate.wifi_env`), sent over the fixture channel right after
every boot greeting and whenever it is replaced."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from harken.emulate.qemu_fixture import (
    FixtureChannel,
    FixtureLost,
    check_radio_table,
    check_wifi_answers,
    wifi_lines,
)
from harken.emulate.qemu_image import QemuDeviceError
from harken.emulate.wifi_env import WifiNetwork, read_wifi_env, write_wifi_env

NO_RADIO = {"electron"}
"""Platforms whose image has no simulated Wi-Fi radio (their wifi-env.txt is not sent)."""


class RadioEnvironment:
    """The Wi-Fi environment in a QEMU device's surface."""

    state_dir: Path
    platform: str
    ready_timeout: float
    running: bool
    _fixture: FixtureChannel | None
    _wifi_env: list[WifiNetwork]

    @property
    def wifi_environment(self) -> list[WifiNetwork]:
        """The networks the simulated radio is given (as of the last start or set)."""
        return list(self._wifi_env)

    def set_wifi_environment(self, networks: Iterable[WifiNetwork]) -> Path:
        """Replace the simulated Wi-Fi neighbourhood: write ``STATE/wifi-env.txt`` (the
        native device's file, atomically) and, while the device runs, send it over the
        fixture channel and wait until the device has taken it. It is sent again after every
        (re)start and reboot. Returns the file's path."""
        networks = self._fit_radio(list(networks), "the environment")
        path = write_wifi_env(self.state_dir, networks)
        self._wifi_env = networks
        fixture = self._fixture
        if fixture is None or not self.running or self.platform in NO_RADIO:
            return path
        lines = wifi_lines(networks)
        try:
            try:
                answers = fixture.request(lines, self.ready_timeout)
            except FixtureLost:
                if not self.running:
                    raise
                # a reboot cancelled the lines; its own push carried these networks unless
                # it raced this call, so send them once more
                answers = fixture.request(lines, self.ready_timeout)
        except FixtureLost as exc:
            raise QemuDeviceError(f"sending the Wi-Fi environment: {exc}") from None
        check_wifi_answers(answers)
        return path

    def _boot_lines(self) -> list[str]:
        """What the fixture channel sends after each boot greeting (loop thread)."""
        return wifi_lines(self._wifi_env) if self.platform not in NO_RADIO else []

    def _read_wifi_env(self) -> list[WifiNetwork]:
        try:
            networks = read_wifi_env(self.state_dir)
        except ValueError as exc:
            raise QemuDeviceError(f"{self.state_dir}: {exc}") from None
        return self._fit_radio(networks, str(self.state_dir))

    def _fit_radio(self, networks: list[WifiNetwork], what: str) -> list[WifiNetwork]:
        if self.platform not in NO_RADIO:
            check_radio_table(networks, what)
        return networks
