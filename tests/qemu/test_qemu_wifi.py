"""The QEMU image's simulated Wi-Fi radio: networks pushed over the fixture channel (`NET CLEAR`,
`NET ADD`), scanned and joined over SoftAP exactly like the native device's wifi-env.txt, and
sent again after every restart and reboot."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import serial

from conftest import StartQemu
from harken.emulate.io_loop import DeviceLog
from harken.emulate.qemu import QemuDevice, QemuDeviceError
from harken.emulate.qemu_fixture import FIXTURE_HELLO, FixtureChannel, FixtureLost, wifi_lines
from harken.emulate.wifi_env import WIFI_ENV_FILE, WifiNetwork, write_wifi_env
from harken.softap.client import SoftApClient
from harken.softap.errors import Rejected
from harken.softap.setup_flow import SetupRequest, run_setup
from stored_config import read_store

TIMEOUT = 10.0
JOIN_TIMEOUT = 30.0
PASSWORD = "correct horse battery"
ENVIRONMENT = [
    WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63),
    WifiNetwork("Vanishing", 0x00400006, channel=1, rssi=-70, password=PASSWORD, behaviour="gone"),
    WifiNetwork("Silent", 0x00400004, channel=3, rssi=-75, password=PASSWORD, behaviour="timeout"),
    WifiNetwork("Café ☕ net", 0x00400006, channel=9, rssi=-80, password=PASSWORD),
    WifiNetwork("OldWep", 0x00000001, channel=2, rssi=-60, password="0123456789"),
]


def scanned(device: QemuDevice) -> list[tuple[str, int, int, int]]:
    assert device.wait_ap(True, TIMEOUT)
    port = device.softap_tcp_port
    assert port is not None
    return [
        (e.ssid, e.security, e.channel, e.rssi)
        for e in SoftApClient("127.0.0.1", port, timeout=TIMEOUT).scan()
    ]


def expected(networks: list[WifiNetwork]) -> list[tuple[str, int, int, int]]:
    return [(n.ssid, n.security, n.channel, n.rssi) for n in networks]


def client(device: QemuDevice, *, http: bool = False) -> SoftApClient:
    assert device.wait_ap(True, TIMEOUT)
    port = device.softap_http_port if http else device.softap_tcp_port
    assert port is not None
    return SoftApClient("127.0.0.1", port, http=http, timeout=TIMEOUT)


def test_the_lines_carry_every_field_in_hex() -> None:
    assert wifi_lines(ENVIRONMENT[:2] + ENVIRONMENT[4:5]) == [
        "NET CLEAR",
        "NET ADD 486f6d654e6574 00400004 6 -45 " + PASSWORD.encode().hex() + " 200 ok",
        "NET ADD 4361666546726565 00000000 11 -63 - 200 ok",
        "NET ADD "
        + "Café ☕ net".encode().hex()
        + " 00400006 9 -80 "
        + PASSWORD.encode().hex()
        + " 200 ok",
    ]
    assert wifi_lines([]) == ["NET CLEAR"]
    longest = WifiNetwork("x" * 32, -1, 255, -128, "p" * 64, 2**40, "timeout")
    line = wifi_lines([longest])[1]
    assert len(line) <= 255 and " 4294967295 timeout" in line


def test_scan_lists_the_pushed_networks_and_follows_changes(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert scanned(device) == []
    path = device.set_wifi_environment(ENVIRONMENT)
    assert path == device.state_dir / WIFI_ENV_FILE and path.is_file()  # like native's
    assert scanned(device) == expected(ENVIRONMENT)
    assert device.fixture_lines[-len(ENVIRONMENT) - 1 :] == ["OK"] * (len(ENVIRONMENT) + 1)
    device.set_wifi_environment(ENVIRONMENT[1:2])
    assert scanned(device) == expected(ENVIRONMENT[1:2])
    # the passwords cross the channel in hex, never in the clear
    assert PASSWORD.encode() not in device.log_path.read_bytes()


def test_bad_lines_are_refused_and_the_table_is_bounded(qemu_device: StartQemu) -> None:
    device = qemu_device()
    for line in ("NET", "NET ADD", "NET ADD 4e6574 4 6 -48 - 200 flaky", "NET FLUSH"):
        assert device.fixture_request(line, TIMEOUT) == "ERR bad argument"
    many = [WifiNetwork(f"Net{i}", 0) for i in range(17)]
    with pytest.raises(QemuDeviceError, match="at most 16"):
        device.set_wifi_environment(many)
    device.set_wifi_environment(many[:16])
    assert len(scanned(device)) == 16
    assert device.fixture_request(wifi_lines(many[16:])[1], TIMEOUT) == "ERR table full"


def test_configure_takes_the_security_from_the_scan(qemu_device: StartQemu) -> None:
    device = qemu_device()
    device.set_wifi_environment(ENVIRONMENT)
    softap = client(device)
    with pytest.raises(Rejected) as raised:
        softap.configure("NotHere", security="wpa2_aes", password=PASSWORD)
    assert raised.value.code == -2  # WPA2 needs the AP in the scan, as on a Photon
    softap.configure("Café ☕ net", security="wpa2_aes", password=PASSWORD)  # AP: wpa2_mixed
    stored = read_store(device.state_dir).wifi[0]
    assert (stored.ssid, stored.security) == ("Café ☕ net".encode(), 0x00400006)
    assert stored.key == PASSWORD.encode()
    client(device, http=True).configure("HomeNet", password=PASSWORD, security="wpa2_aes")
    stored = read_store(device.state_dir).wifi[0]
    assert (stored.ssid, stored.security) == (b"HomeNet", 0x00400004)


@pytest.mark.parametrize("http", [False, True], ids=["tcp", "http"])
def test_setup_reports_each_failure_then_joins(qemu_device: StartQemu, http: bool) -> None:
    device = qemu_device()
    device.set_wifi_environment(ENVIRONMENT)
    softap = client(device, http=http)
    failures = [
        ("HomeNet", "not the password", None, "wrong-password", "wrong password for 'HomeNet'"),
        ("Vanishing", PASSWORD, None, "network-not-found", "network 'Vanishing' not found"),
        ("Hidden", None, 0, "network-not-found", "network 'Hidden' not found"),
        ("Silent", PASSWORD, None, "timeout", "timed out joining 'Silent'"),
    ]
    for attempt, (ssid, password, security, reason, message) in enumerate(failures, 1):
        outcome = run_setup(
            softap,
            SetupRequest(ssid, password=password, security=security, join_timeout=JOIN_TIMEOUT),
        )
        assert outcome.verified and outcome.joined is False, outcome.message
        assert (outcome.reason, outcome.message, outcome.attempt) == (reason, message, attempt)
    outcome = run_setup(
        softap, SetupRequest("HomeNet", password=PASSWORD, join_timeout=JOIN_TIMEOUT)
    )
    assert outcome.verified and outcome.joined, outcome.message
    assert (outcome.security, outcome.channel, outcome.attempt) == (0x00400004, 6, 5)
    assert device.wait_ap(False, TIMEOUT)  # joined: listening mode is over


def test_a_wep_key_joins_as_typed(qemu_device: StartQemu) -> None:
    device = qemu_device()
    device.set_wifi_environment(ENVIRONMENT)
    outcome = run_setup(
        client(device), SetupRequest("OldWep", password="0123456789", join_timeout=JOIN_TIMEOUT)
    )
    assert outcome.joined, outcome.message


def test_the_environment_survives_restarts_and_reboots(qemu_device: StartQemu) -> None:
    device = qemu_device()
    device.set_wifi_environment(ENVIRONMENT)
    device.restart()
    assert device.wifi_environment == ENVIRONMENT
    assert scanned(device) == expected(ENVIRONMENT)  # sent before start() returned
    # a reboot of the firmware empties its table; the host sends the networks again
    hello = len(device.fixture_lines)
    with serial.Serial(device.console, 9600, timeout=1) as port:
        port.write(b"L")  # safe-mode listen: the device resets
    greeting = device.wait_for_fixture_line("^HELLO harken-fixture 1$", TIMEOUT, start=hello)
    assert greeting
    deadline = time.monotonic() + TIMEOUT
    while device.fixture_lines[hello:].count("OK") < len(ENVIRONMENT) + 1:
        assert time.monotonic() < deadline, device.fixture_lines[hello:]
        time.sleep(0.02)
    assert scanned(device) == expected(ENVIRONMENT)
    assert run_setup(
        client(device), SetupRequest("HomeNet", password=PASSWORD, join_timeout=JOIN_TIMEOUT)
    ).joined


def test_a_state_folder_with_wifi_env_works_like_the_native_device(
    qemu_device: StartQemu, tmp_path: Path
) -> None:
    state = tmp_path / "prepared"
    write_wifi_env(state, ENVIRONMENT[:2])  # as tests/conftest.py prepares a native device
    device = qemu_device(state=state)
    assert scanned(device) == expected(ENVIRONMENT[:2])


def test_the_electron_keeps_the_file_and_has_no_radio(qemu_device: StartQemu) -> None:
    device = qemu_device("electron")
    device.set_wifi_environment(ENVIRONMENT)  # written, not sent: no radio to take it
    assert (device.state_dir / WIFI_ENV_FILE).is_file()
    assert device.fixture_request("NET CLEAR", TIMEOUT) == "ERR no radio"
    device.restart()  # a wifi-env.txt does not keep the Electron from starting
    assert device.running


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return False


def test_answers_are_matched_by_count_and_a_reboot_cancels_the_rest(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    device_log = DeviceLog(tmp_path / "log")
    boots: list[int] = []

    def boot_lines() -> list[str]:
        boots.append(len(boots))
        return ["NET CLEAR"]

    try:
        channel = FixtureChannel(device_log, loop, boot_lines)
        transport = FakeTransport()
        channel.connection_made(transport)
        channel.data_received(FIXTURE_HELLO.encode() + b"\n")  # QEMU's start: a boot
        assert boots == [0] and transport.written == b"NET CLEAR\n"
        assert channel.hellos == 1 and not channel.boot_answers[0].done()
        channel.data_received(b"OK\n")
        assert channel.boot_answers[0].result(0) == "OK"
        hello, blank, baud, net = (channel.write_now(x) for x in ("HELLO", "", "BAUD 1", "NET"))
        assert blank.result(0) == ""  # the device ignores blank lines: nothing to wait for
        channel.data_received(FIXTURE_HELLO.encode() + b"\nOK\n")
        assert hello.result(0) == FIXTURE_HELLO and baud.result(0) == "OK"
        assert boots == [0]  # an answer to our HELLO, not a boot
        channel.data_received(FIXTURE_HELLO.encode() + b"\n")  # a reboot: NET is lost
        assert isinstance(net.exception(0), FixtureLost) and boots == [0, 1]
        channel.connection_lost(None)
        assert isinstance(channel.boot_answers[0].exception(0), FixtureLost)
    finally:
        device_log.close()
        loop.close()
