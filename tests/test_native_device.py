"""harken.emulate.native.NativeDevice driving the real native program: life cycle, identity,
command-line options, failures and power cuts."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from console_io import DeviceLog, enter_listening
from harken.console.client import ConsoleClient
from harken.emulate.native import (
    NativeDevice,
    NativeDeviceError,
    find_repo_root,
    read_identity,
)
from harken.protocol.dct import decode_app_dct
from stored_config import check_claim_code, read_store

DEVICE_ID = "0123456789abcdef01234567"


def test_start_talk_stop(native_device):
    device = native_device("photon", identity={"device_id": DEVICE_ID, "mac": "02:00:00:00:00:01"})
    info = device.info
    assert info["event"] == "ready"
    assert (info["platform"], info["device_id"], info["pid"]) == ("photon", DEVICE_ID, device.pid)
    assert info["console"] == str(device.state_dir / "console")
    assert Path(device.console).is_symlink()
    assert Path(device.console).resolve() == Path(info["pty"])
    assert device.running
    for _ in range(2):  # clients come and go; the console stays usable
        with ConsoleClient.open(device.console) as client:
            assert client.identify().device_id == DEVICE_ID
            assert client.mac() == "02:00:00:00:00:01"
    assert device.stop() == 0
    assert not device.running and device.returncode == 0
    assert not os.path.lexists(device.state_dir / "console")
    with pytest.raises(ProcessLookupError):
        os.kill(info["pid"], 0)
    assert '[stdout] {"event":"ready"' in device.log_path.read_text()


def test_boot_log_order(native_device):
    device = native_device("p1", identity="p1-plain")
    device.stop()
    events = [
        line
        for line in device.log_path.read_text().splitlines()
        if line.startswith("[") and not line.startswith("[stdout]")
    ]
    assert events == [
        "[system] booted",
        "[listening] entered: no credentials",
        "[softap] up",
        "[system] stopped",
    ]


def test_restart_keeps_a_generated_identity(native_device):
    device = native_device("electron", product_id=42, product_version=3)
    first = dict(device.info)
    identity = read_identity(device.state_dir)
    assert set(identity) == {"device_id", "mac", "imei", "iccid", "cell_radio_version"}
    assert identity["device_id"] == first["device_id"]
    assert device.stop() == 0
    second = device.restart()
    assert second["device_id"] == first["device_id"] and second["pid"] != first["pid"]
    assert read_identity(device.state_dir) == identity
    enter_listening(device)
    with ConsoleClient.open(device.console) as client:
        parsed = client.identify()
    assert (parsed.device_id, parsed.imei, parsed.iccid) == (
        identity["device_id"],
        identity["imei"],
        identity["iccid"],
    )
    app = decode_app_dct(read_store(device.state_dir).sector.app_dct)
    assert (app.product_id, app.product_version) == (42, 3)
    assert app.device_id == identity["device_id"]


def test_device_id_seeds_an_existing_identity(native_device, tmp_path):
    state = tmp_path / "seeded"
    state.mkdir()
    (state / "identity.txt").write_text(
        "device_id=aaaaaaaaaaaaaaaaaaaaaaaa\nmac=01:02:03:04:05:06\n"
    )
    device = native_device("photon", state=state, device_id=DEVICE_ID.upper())
    assert device.info["device_id"] == DEVICE_ID
    assert read_identity(state) == {"device_id": DEVICE_ID, "mac": "01:02:03:04:05:06"}
    with ConsoleClient.open(device.console) as client:
        assert client.mac() == "01:02:03:04:05:06"


def test_listen_timeout_option(native_device):
    device = native_device("electron", identity="electron", listen_timeout=1)
    log = DeviceLog(device)
    enter_listening(device)
    started = time.monotonic()
    log.wait_for("[listening] timed out", timeout=30)
    assert time.monotonic() - started >= 0.5  # not before its time
    assert log.lines()[-2:] == [
        "[listening] exited",
        "[network] connecting with stored credentials",
    ]


@pytest.mark.parametrize("value", [0.5, -1])
def test_listen_timeout_must_be_whole_seconds(tmp_path, value):
    with pytest.raises(ValueError, match="whole number"):
        NativeDevice(tmp_path, "electron", listen_timeout=value)


def test_kill_is_a_power_cut(native_device):
    device = native_device("photon", identity="photon-plain")
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code("K" * 63)
    assert device.kill() == -signal.SIGKILL
    device.start()
    check_claim_code(read_store(device.state_dir).claim_code, "K" * 63)
    assert device.stop() == 0


def test_power_cut_option_reaches_the_program(native_device):
    """A fresh state is committed at first boot, so a budget of 0 bytes cuts power there."""
    device = native_device("photon", identity="photon-plain", start=False, power_cut_at=0)
    with pytest.raises(NativeDeviceError, match=r"exited \(86\)"):
        device.start()
    assert device.returncode == 86
    device.power_cut_at = None
    device.start()
    assert device.running


def test_failure_before_ready(native_device, tmp_path):
    state = tmp_path / "broken"
    (state / "dct.bin").mkdir(parents=True)  # the program cannot open its flash file
    device = native_device("photon", state=state, start=False)
    with pytest.raises(NativeDeviceError, match=r"exited \(1\)") as info:
        device.start()
    assert "native.log" in str(info.value)
    assert "cannot open" in device.log_path.read_text()
    assert not device.running


def test_stop_escalates_to_sigkill(native_device):
    device = native_device("photon", identity="photon-plain", stop_timeout=0.3)
    os.kill(device.pid, signal.SIGSTOP)  # a hung device: SIGTERM stays pending
    assert device.stop() == -signal.SIGKILL
    assert not device.running


def test_start_twice_is_refused(native_device):
    device = native_device("photon", identity="photon-plain")
    with pytest.raises(NativeDeviceError, match="already running"):
        device.start()


def test_missing_program(tmp_path):
    with pytest.raises(NativeDeviceError, match="not found"):
        NativeDevice(tmp_path / "s", program=tmp_path / "nothing").start()


def test_argument_checks(tmp_path):
    with pytest.raises(ValueError):
        NativeDevice(tmp_path, "core")
    with pytest.raises(ValueError):
        NativeDevice(tmp_path, device_id="xyz")


def test_repo_root(monkeypatch, tmp_path):
    assert (find_repo_root() / "platformio.ini").is_file()
    monkeypatch.setenv("HARKEN_ROOT", str(tmp_path))
    assert find_repo_root() == tmp_path.resolve()
