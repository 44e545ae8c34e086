"""harken's pytest plugin: one conformance suite against any device under test.

Registered through the ``pytest11`` entry point as ``harken`` (disable with ``-p no:harken``);
see :mod:`harken.pytest_plugin.plugin` for the options, fixtures and markers, and
:mod:`harken.pytest_plugin.capabilities` for what each kind of DUT can do.
"""

from harken.pytest_plugin.capabilities import (
    BENCH,
    CAPABILITIES,
    FIXTURE,
    FRESH_STATE,
    POWER_CUT,
    RADIO_SIM,
    SOFTAP,
    capabilities_for,
)
from harken.pytest_plugin.console_wire import ConsoleWire, ensure_listening, enter_listening
from harken.pytest_plugin.dut import DeviceUnderTest, WifiEnvironment
from harken.pytest_plugin.options import DutSpec
from harken.pytest_plugin.softap_wire import SoftApWire, http_request, parse_http, tcp_request

__all__ = [
    "BENCH",
    "CAPABILITIES",
    "FIXTURE",
    "FRESH_STATE",
    "POWER_CUT",
    "RADIO_SIM",
    "SOFTAP",
    "ConsoleWire",
    "DeviceUnderTest",
    "DutSpec",
    "SoftApWire",
    "WifiEnvironment",
    "capabilities_for",
    "ensure_listening",
    "enter_listening",
    "http_request",
    "parse_http",
    "tcp_request",
]
