"""Conformance: the listening-mode serial console (protocol/serial-console.md), unchanged on
every device under test. Replies are checked byte for byte where the reply does not depend on
the device's identity, and against the documented form where it does."""

from __future__ import annotations

import json
import re
import time

import pytest

from conformance import CLAIMED_ANY, console_case, console_networks, replay_console
from harken.console.client import ConsoleClient
from harken.emulate.wifi_env import WifiNetwork
from harken.protocol.platform import platform_by_name
from harken.pytest_plugin import (
    FRESH_STATE,
    ConsoleWire,
    DeviceUnderTest,
    WifiEnvironment,
    enter_listening,
)
from harken.pytest_plugin.fixture_lines import FixtureLines
from harken.transport.serial_port import ReadTimeout

PASSWORD = "correct horse battery"
JOIN_MS = 50
JOIN_SETTLE = 0.5
"""Longer than a simulated join takes (JOIN_MS), so the outcome is in when we look."""
MODULE_CHECKS = {2: "integrity", 4: "dependencies", 8: "address range", 16: "platform"}


def batch(wire: ConsoleWire, command: str) -> bytes:
    """Send a command and take everything up to 250 ms of silence."""
    wire.port.discard_input()
    wire.send(command)
    return wire.port.read_batch(timeout=5.0)


def final_join(wire: ConsoleWire, timeout: float = 10.0) -> bytes:
    """Ask ``j`` until the console answers (it is silent outside listening mode) with a
    finished attempt; return that line."""
    deadline = time.monotonic() + timeout
    while True:
        wire.port.discard_input()
        wire.send("j")
        try:
            line = wire.port.read_until(b"\r\n", 0.25)
        except ReadTimeout:
            line = b""
        if line and json.loads(line).get("state") in ("connected", "failed"):
            return line
        assert time.monotonic() < deadline, f"no finished join within {timeout:.0f} s: {line!r}"


def home_network(password: str = PASSWORD) -> WifiNetwork:
    return WifiNetwork(
        "HomeNet", 0x00400004, channel=6, rssi=-45, password=password, join_ms=JOIN_MS
    )


# --- queries -----------------------------------------------------------------------------------


def test_i_reports_a_24_digit_lower_case_device_id(
    dut: DeviceUnderTest, console_wire: ConsoleWire, dut_console: ConsoleClient
) -> None:
    reply = batch(console_wire, "i")
    short = re.fullmatch(rb"Your device id is ([0-9a-f]{24})\r\n", reply)
    long = re.fullmatch(
        rb"Device ID: ([0-9a-f]{24})\r\n((?:[A-Z][A-Za-z ]+: [^\r\n]*\r\n)+)", reply
    )
    assert short or long, f"not an identify reply: {reply!r}"
    if long:
        labels = [line.split(b":")[0] for line in long.group(2).splitlines()]
        allowed = {b"Device Secret", b"Serial Number", b"IMEI", b"ICCID", b"Cell Radio Version"}
        assert set(labels) <= allowed, labels
    device_id = (short or long).group(1).decode()  # type: ignore[union-attr]
    assert dut_console.identify().device_id == device_id


def test_m_reports_the_mac_address(dut: DeviceUnderTest, console_wire: ConsoleWire) -> None:
    reply = batch(console_wire, "m")
    match = re.fullmatch(
        rb"Your device MAC address is\r\n([0-9a-f]{2}(?::[0-9a-f]{2}){5})\r\n", reply
    )
    assert match, f"not a MAC reply: {reply!r}"
    zero = match.group(1) == b"00:00:00:00:00:00"
    assert zero == (dut.platform == "electron"), "only the Electron reports an all-zero MAC"


def test_v_reports_device_os_2_3_1_and_ends_in_lf_crlf(console_wire: ConsoleWire) -> None:
    reply = batch(console_wire, "v")
    match = re.fullmatch(rb"system firmware version: ([\w.+-]+)\n\r\n", reply)
    assert match, f"not a version reply: {reply!r}"
    # particle-cli reads the version up to the first character outside [\w.-].
    assert re.match(rb"[\w.-]+", match.group(1)).group(0) == b"2.3.1"  # type: ignore[union-attr]


def test_s_is_one_line_of_compact_json_for_the_platform(
    dut: DeviceUnderTest, console_wire: ConsoleWire, dut_console: ConsoleClient
) -> None:
    line = console_wire.line("s", "system describe")
    value = json.loads(line)
    assert line == json.dumps(value, separators=(",", ":")).encode() + b"\r\n", "not compact"
    platform = platform_by_name(dut.platform)
    assert platform is not None and value["p"] == platform.platform_id
    assert list(value)[0] == "p" and list(value)[-1] == "m"
    assert ("imei" in value) == ("iccid" in value)
    assert value["m"], "no modules"
    for module in value["m"]:
        assert set(module) >= {"s", "l", "vc", "vv", "f", "n", "v", "d"}, module
        assert isinstance(module["n"], str) and isinstance(module["v"], int)
        assert isinstance(module["d"], list)
        assert module["vc"] & ~sum(MODULE_CHECKS) == 0, "unknown check bits"
        assert module["vv"] == module["vc"], "a check the firmware made did not pass"
        assert module["vc"] & (4 | 16) == 4 | 16, "platform and dependencies are always checked"
    assert dut_console.inspect().platform_id == platform.platform_id


def test_c_reports_the_claimed_flag(dut: DeviceUnderTest, console_wire: ConsoleWire) -> None:
    line = console_wire.line("c", "claimed").decode()
    assert line in CLAIMED_ANY
    if dut.has(FRESH_STATE):
        assert line == "Device claimed: no\r\n"


def test_d_reports_uptime_in_seconds(console_wire: ConsoleWire) -> None:
    first = json.loads(console_wire.line("d", "diagnostics"))
    time.sleep(1.1)
    second = json.loads(console_wire.line("d", "diagnostics"))
    assert isinstance(first["sys:uptime"], int) and first["sys:uptime"] >= 0
    assert second["sys:uptime"] > first["sys:uptime"]


def test_bytes_that_are_no_command_get_no_reply(
    dut: DeviceUnderTest, console_wire: ConsoleWire
) -> None:
    replay_console(console_wire, console_case("unknown-bytes-ignored"), fresh=dut.has(FRESH_STATE))


# --- claim code ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        "claim-code-accepted",
        "claim-code-too-short",
        "claim-code-overlong-truncated",
        "claim-code-backspace",
    ],
)
def test_C_claim_code_rules(dut: DeviceUnderTest, console_wire: ConsoleWire, case: str) -> None:
    """63 bytes are stored and echoed; other lengths are refused; the 64th byte ends the
    answer and is eaten; backspace and DEL edit what was typed."""
    replay_console(console_wire, console_case(case), fresh=dut.has(FRESH_STATE))


# --- Wi-Fi dialogue, leaving and re-entering listening mode, the join outcome -----------------


@pytest.mark.platform("electron")
def test_the_electron_ignores_w(dut: DeviceUnderTest, console_wire: ConsoleWire) -> None:
    replay_console(console_wire, console_case("electron-has-no-w"), fresh=dut.has(FRESH_STATE))


@pytest.mark.platform("photon", "p1")
def test_w_reprompts_and_asks_security_for_an_unseen_network(
    dut: DeviceUnderTest, console_wire: ConsoleWire
) -> None:
    """An empty SSID is asked again, an unseen network gets the security and cipher
    questions (asked again until valid), and DEL edits the answer."""
    replay_console(console_wire, console_case("wifi-reprompts"), fresh=dut.has(FRESH_STATE))


@pytest.mark.platform("photon", "p1")
def test_w_refuses_a_short_wpa2_password_and_stays_listening(
    dut: DeviceUnderTest, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set(console_networks())
    replay_console(
        console_wire, console_case("wifi-password-too-short"), fresh=dut.has(FRESH_STATE)
    )


@pytest.mark.platform("photon", "p1")
def test_w_for_a_visible_network_asks_only_the_password_then_joins(
    console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    """Security and cipher come from the scan; after saving, the device leaves listening
    mode and joins; back in listening mode (28800 baud), ``j`` reports the join."""
    wifi_environment.set(console_networks())
    replay_console(console_wire, console_case("wifi-wpa2-scanned"), fresh=True)
    console_wire.send("c")
    console_wire.expect_silence("c after a saved w (listening mode has ended)")
    time.sleep(JOIN_SETTLE)
    enter_listening(console_wire.port)
    console_wire.exchange("j", '{"attempt":1,"state":"connected","ssid":"HomeNet"}\r\n', "j")


@pytest.mark.platform("photon", "p1")
def test_x_leaves_listening_mode_and_28800_baud_brings_it_back(
    dut_console: ConsoleClient, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    wifi_environment.set([home_network()])
    assert dut_console.configure_wifi("HomeNet", password=PASSWORD).prompts == (
        "ssid",
        "password",
    )
    time.sleep(JOIN_SETTLE)
    enter_listening(console_wire.port)
    console_wire.exchange("j", '{"attempt":1,"state":"connected","ssid":"HomeNet"}\r\n', "j")
    console_wire.send("x")
    console_wire.expect_silence("x")
    console_wire.send("c")
    console_wire.expect_silence("c outside listening mode")
    time.sleep(JOIN_SETTLE)
    enter_listening(console_wire.port)
    # With credentials, leaving listening mode joins again: attempt 2.
    console_wire.exchange("j", '{"attempt":2,"state":"connected","ssid":"HomeNet"}\r\n', "j")


@pytest.mark.platform("photon", "p1")
def test_j_reports_a_wrong_password_and_listening_mode_returns(
    dut_console: ConsoleClient, console_wire: ConsoleWire, wifi_environment: WifiEnvironment
) -> None:
    """A failed join after the credentials changed brings listening mode back by itself."""
    wifi_environment.set([home_network()])
    dut_console.configure_wifi("HomeNet", password="not the password")
    assert final_join(console_wire) == (
        b'{"attempt":1,"state":"failed","ssid":"HomeNet","reason":"wrong-password"}\r\n'
    )


@pytest.mark.needs(FRESH_STATE)
def test_j_before_any_join_is_idle(console_wire: ConsoleWire) -> None:
    console_wire.exchange("j", '{"attempt":0,"state":"idle"}\r\n', "j")


def test_the_fixture_channel_answers_every_line(dut_fixture: FixtureLines) -> None:
    """The fixture channel (protocol/qemu-fixture.md) greets, and answers each command line
    with exactly one line: OK, or ERR with a reason."""
    assert dut_fixture.seen(r"^HELLO harken-fixture 1$")
    assert dut_fixture.command("BAUD 9600") == "OK"
    assert dut_fixture.command("NO-SUCH-COMMAND").startswith("ERR ")
