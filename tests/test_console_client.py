"""harken's ConsoleClient against the real native device: queries on every platform, and the
listening-mode round trip (``x`` out, 28800 baud in) seen both on the console and in the
device's event log."""

from __future__ import annotations

import pytest

from console_io import (
    DeviceLog,
    RawConsole,
    enter_listening,
    identity_for,
    listen_trick,
    platform_of,
)
from harken.console.client import ConsoleClient
from harken.console.errors import ConsoleTimeout, UnsupportedCommand
from harken.protocol.platform import platform_by_name

IDENTITIES = ("photon-plain", "photon-otp", "p1-plain", "electron")
VERSION = "2.3.1+harken.0.1.0"


def listening_device(native_device, identity_name: str, **kwargs):
    """A device with a vector identity, in listening mode."""
    device = native_device(platform_of(identity_name), identity=identity_name, **kwargs)
    if not platform_by_name(platform_of(identity_name)).has_wifi:
        enter_listening(device)
    return device


@pytest.mark.parametrize("name", IDENTITIES)
def test_queries(native_device, name):
    identity = identity_for(name)
    platform = platform_by_name(platform_of(name))
    device = listening_device(native_device, name)
    with ConsoleClient.open(device.console) as client:
        parsed = client.identify(timeout=5)
        assert parsed.device_id == identity["device_id"]
        assert parsed.serial_number == identity.get("serial_number")
        assert (parsed.imei, parsed.iccid, parsed.cell_radio_version) == (
            identity.get("imei"),
            identity.get("iccid"),
            identity.get("cell_radio_version"),
        )
        assert client.mac() == identity["mac"]
        assert client.version().version == VERSION
        describe = client.inspect()
        assert describe.platform_id == platform.platform_id
        assert describe.platform_name == platform.name
        assert client.platform_id() == platform.platform_id
        assert client.claimed() is False
        diagnostics = client.diagnostics()
        assert isinstance(diagnostics["sys:uptime"], int) and diagnostics["sys:uptime"] >= 0


def test_generated_identity_is_reported(native_device):
    """Without identity.txt the device makes one up, keeps it, and reports that one."""
    device = native_device("photon")
    written = dict(
        line.split("=", 1) for line in (device.state_dir / "identity.txt").read_text().splitlines()
    )
    assert device.info["device_id"] == written["device_id"]
    with ConsoleClient.open(device.console) as client:
        assert client.identify().device_id == written["device_id"]
        assert client.mac() == written["mac"]
        assert written["mac"].startswith("6c:0b:84:")


def test_queries_repeat_on_one_port(native_device):
    device = listening_device(native_device, "photon-otp")
    with ConsoleClient.open(device.console) as client:
        for _ in range(20):
            assert client.claimed() is False
            assert client.mac() == "6c:0b:84:12:34:56"
        assert client.identify().serial_number == "PHHAAB811ABCDEF"


def test_electron_refuses_wifi_before_sending_w(native_device):
    device = listening_device(native_device, "electron")
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(UnsupportedCommand):
            client.configure_wifi("HomeNet", password="correct horse")
        # the console is still in command mode, not inside a dialogue
        assert client.claimed() is False


def test_electron_without_platform_check_times_out_clearly(native_device):
    device = listening_device(native_device, "electron")
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(ConsoleTimeout, match="Electron"):
            client.configure_wifi(
                "HomeNet", password="correct horse", check_platform=False, prompt_timeout=0.5
            )
        assert client.version().version == VERSION


def test_electron_is_not_listening_until_asked(native_device):
    device = native_device("electron", identity="electron")
    log = DeviceLog(device)
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(ConsoleTimeout):
            client.version(timeout=0.3)
        client.listen()  # the client's own 28800 trick, with its default settle time
        assert log.lines() == ["[listening] entered: host request"]
        assert client.version().version == VERSION


def reenter_listening(client: ConsoleClient, device) -> None:
    """The 28800 trick with the client's port closed meanwhile; returns once the device has
    reported listening mode (no fixed settle time)."""
    client.port.close()
    enter_listening(device)
    client.port.open()


def test_exit_and_listen_round_trip_electron(native_device):
    device = listening_device(native_device, "electron")
    log = DeviceLog(device)
    with ConsoleClient.open(device.console) as client:
        assert client.claimed() is False
        client.exit_listening()
        log.wait_for("[listening] exited")
        with pytest.raises(ConsoleTimeout):
            client.identify(timeout=0.3)
        reenter_listening(client, device)
        assert client.identify().device_id == identity_for("electron")["device_id"]
    assert log.lines() == [
        "[listening] exited",
        "[network] connecting with stored credentials",
        "[listening] entered: host request",
    ]


def test_exit_without_credentials_reenters_at_once(native_device):
    """Photon/P1 without Wi-Fi credentials: ``x`` leaves listening mode, and the system's
    next connect attempt puts it straight back."""
    device = listening_device(native_device, "p1-plain")
    log = DeviceLog(device)
    with ConsoleClient.open(device.console) as client:
        client.exit_listening()
        log.wait_for("[softap] up")
        assert client.mac() == identity_for("p1-plain")["mac"]
    assert log.lines() == [
        "[softap] down",
        "[listening] exited",
        "[listening] entered: no credentials",
        "[softap] up",
    ]
    with RawConsole(device.console) as console:  # nothing to join, so no attempt was made
        console.exchange("j", '{"attempt":0,"state":"idle"}\r\n', "join outcome")


def test_exit_and_listen_round_trip_with_credentials(native_device):
    """A Photon with Wi-Fi credentials stays out of listening mode after ``x`` (the console is
    silent) until the 28800-baud trick brings it back."""
    device = listening_device(native_device, "photon-plain")
    with ConsoleClient.open(device.console) as client:
        client.configure_wifi("HomeNet", password="correct horse")
    log = DeviceLog(device)
    device.restart()
    assert "[listening]" not in device.log_path.read_text().split("--- start")[-1]
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(ConsoleTimeout):
            client.claimed(timeout=0.3)
        reenter_listening(client, device)
        assert client.claimed() is False
        client.exit_listening()
        log.wait_for("[listening] exited")
        with pytest.raises(ConsoleTimeout):
            client.claimed(timeout=0.3)
        # a second round trip
        reenter_listening(client, device)
        assert log.lines().count("[listening] entered: host request") == 2
        assert client.version().version == VERSION


def test_listen_trick_while_listening_changes_nothing(native_device):
    device = listening_device(native_device, "photon-plain")
    log = DeviceLog(device)
    listen_trick(device.console)
    with ConsoleClient.open(device.console) as client:
        assert client.claimed() is False
    assert not any("entered" in line or "exited" in line for line in log.lines())


# --- the 28800 trick as hosts really do it (FINDING-1: these fail on the native device) --------


def test_listen_trick_followed_at_once_by_a_reopen(native_device):
    """A host may reopen the port at 9600 right after the 28800 open/close (settle 0). A
    USB device sees both SET_LINE_CODINGs and enters listening mode on the first
    (serial-listening-mode §1.3)."""
    device = native_device("electron", identity="electron")
    log = DeviceLog(device)
    with ConsoleClient.open(device.console) as client:
        client.listen(settle=0)
        assert client.version(timeout=2).version == VERSION
    assert log.lines() == ["[listening] entered: host request"]


def test_listen_trick_twice_in_a_row(native_device):
    """Two 28800 open/close cycles with nothing in between (e.g. ``harken serial listen``
    run again after the listen timeout): each one is a SET_LINE_CODING 28800."""
    device = native_device("electron", identity="electron", listen_timeout=1)
    log = DeviceLog(device)
    listen_trick(device.console)
    log.wait_for("[listening] entered: host request")
    log.wait_for("[listening] timed out", timeout=5)
    listen_trick(device.console)
    log.wait_for("[listening] entered: host request", count=2)


def test_safe_mode_listen_command(native_device):
    """``L``: no reply, reset into safe mode with the listen-on-startup flag, which the
    safe-mode boot consumes by entering listening mode."""
    device = listening_device(native_device, "electron")
    log = DeviceLog(device)
    with RawConsole(device.console) as console:
        console.exchange("L", "")
        log.wait_for("[listening] entered: listen-on-startup flag")
        console.exchange("c", "Device claimed: no\r\n")
    assert log.lines() == [
        "[system] reset to safe mode with listen-on-startup",
        "[system] booted in safe mode",
        "[listening] entered: listen-on-startup flag",
    ]
    assert device.running and device.pid == device.info["pid"]  # a reset, not a new process
