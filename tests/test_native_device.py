import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harken.console.client import ConsoleClient
from harken.emulate.native import (
    NativeDevice,
    NativeDeviceError,
    find_repo_root,
    read_identity,
)

TESTS = Path(__file__).resolve().parent
DEVICE_ID = "0123456789abcdef01234567"


@pytest.fixture
def fake_program(tmp_path, monkeypatch):
    program = tmp_path / "fake-program"
    program.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "import fake_native_program\n"
        "sys.exit(fake_native_program.main())\n"
    )
    program.chmod(0o755)
    monkeypatch.setenv("HARKEN_NATIVE_PROGRAM", str(program))
    return program


def test_start_talk_stop(fake_program, tmp_path):
    state = tmp_path / "state"
    with NativeDevice(state, "photon", device_id=DEVICE_ID, listen_timeout=30) as device:
        assert device.running
        assert device.info["device_id"] == DEVICE_ID
        assert device.info["platform"] == "photon"
        assert Path(device.console).is_symlink()
        with ConsoleClient.open(device.console) as client:
            assert client.identify(timeout=2).device_id == DEVICE_ID
        # clients come and go; the console stays usable
        with ConsoleClient.open(device.console) as client:
            assert client.version().version == "2.3.1"
        argv = json.loads((state / "argv.json").read_text())
        assert argv[:4] == ["--platform", "photon", "--state", str(state)]
        assert argv[4:] == ["--listen-timeout", "30"]
    assert device.returncode == 0
    assert not device.running
    log = device.log_path.read_text()
    assert "fake native device stopped" in log and '"event": "ready"' in log


def test_restart_keeps_identity(fake_program, tmp_path):
    device = NativeDevice(tmp_path / "s", "electron", product_id=42, product_version=3)
    first = device.start()
    assert device.stop() == 0
    second = device.restart()
    try:
        assert first["device_id"] == second["device_id"]
        assert first["pid"] != second["pid"]
        assert read_identity(tmp_path / "s")["imei"] == "352753090034567"
        argv = json.loads((tmp_path / "s" / "argv.json").read_text())
        assert argv[4:] == ["--product-id", "42", "--product-version", "3"]
    finally:
        device.stop()


def test_device_id_seeds_an_existing_identity(fake_program, tmp_path):
    state = tmp_path / "s"
    state.mkdir()
    (state / "identity.txt").write_text(
        "device_id=aaaaaaaaaaaaaaaaaaaaaaaa\nmac=01:02:03:04:05:06\n"
    )
    with NativeDevice(state, device_id=DEVICE_ID.upper()) as device:
        assert device.info["device_id"] == DEVICE_ID
    assert read_identity(state) == {"device_id": DEVICE_ID, "mac": "01:02:03:04:05:06"}


def test_kill_is_a_power_cut(fake_program, tmp_path):
    device = NativeDevice(tmp_path / "s", power_cut_at=1000)
    device.start()
    assert device.kill() == -signal.SIGKILL
    argv = json.loads((tmp_path / "s" / "argv.json").read_text())
    assert argv[-2:] == ["--power-cut-at", "1000"]
    device.power_cut_at = None
    device.start()
    assert device.stop() == 0


def test_failure_before_ready(fake_program, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_NATIVE_FAIL", "1")
    device = NativeDevice(tmp_path / "s")
    with pytest.raises(NativeDeviceError, match=r"exited \(3\)") as info:
        device.start()
    assert "native.log" in str(info.value)
    assert "fake failure" in device.log_path.read_text()


def test_stop_escalates_to_sigkill(fake_program, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_NATIVE_IGNORE_TERM", "1")
    device = NativeDevice(tmp_path / "s", stop_timeout=0.5)
    device.start()
    started = time.monotonic()
    assert device.stop() == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_missing_program(tmp_path, monkeypatch):
    monkeypatch.setenv("HARKEN_NATIVE_PROGRAM", str(tmp_path / "nothing"))
    with pytest.raises(NativeDeviceError, match="not found"):
        NativeDevice(tmp_path / "s").start()


def test_argument_checks(tmp_path):
    with pytest.raises(ValueError):
        NativeDevice(tmp_path, "core")
    with pytest.raises(ValueError):
        NativeDevice(tmp_path, device_id="xyz")


def test_repo_root(monkeypatch, tmp_path):
    assert (find_repo_root() / "platformio.ini").is_file()
    monkeypatch.setenv("HARKEN_ROOT", str(tmp_path))
    assert find_repo_root() == tmp_path.resolve()


def test_cli_emulate_native_runs_until_sigterm(fake_program, tmp_path):
    state = tmp_path / "cli-state"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harken.cli.main",
            "emulate",
            "native",
            "--platform",
            "p1",
            "--state",
            str(state),
            "--json",
            "--device-id",
            DEVICE_ID,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["device_id"] == DEVICE_ID and ready["platform"] == "p1"
        assert ready["state"] == str(state)
        assert {"console", "pid", "pty"} <= set(ready)
        with ConsoleClient.open(ready["console"]) as client:
            assert client.claimed() is False
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(ready["pid"], 0)
    finally:
        if process.poll() is None:
            process.kill()
