"""The ``harken`` command (the venv's entry point, as a subprocess) against the real native
device: ``serial …``, ``dct show`` of the device's store, and ``emulate native``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from console_io import DeviceLog, assert_bytes, enter_listening, identity_for, platform_of
from harken.cli import device_port, serial_commands
from harken.cli.main import main
from harken.console.client import ConsoleClient
from harken.protocol.platform import platform_by_name
from harken.transport.discovery import UsbDevice
from stored_config import check_claim_code, read_store

HARKEN = str(Path(sys.executable).with_name("harken"))
CODE = "cLi0" * 15 + "xyz"
PASSWORD = "cli-wifi-passphrase"
VERSION = "2.3.1+harken.0.1.0"


def harken(
    *argv: str, stdin: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HARKEN, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def harken_json(*argv: str) -> dict:
    result = harken(*argv, "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, "expected exactly one JSON line"
    return json.loads(lines[0])


def listening(native_device, name: str):
    device = native_device(platform_of(name), identity=name)
    if not platform_by_name(platform_of(name)).has_wifi:
        enter_listening(device)
    return device


@pytest.mark.parametrize("name", ["photon-otp", "p1-plain", "electron"])
def test_queries(native_device, name):
    identity = identity_for(name)
    platform = platform_by_name(platform_of(name))
    port = listening(native_device, name).console
    expected_identify = {
        "device_id": identity["device_id"],
        "form": "short" if set(identity) == {"device_id", "mac"} else "long",
        "system_version": VERSION,
    }
    for key in ("imei", "iccid", "serial_number", "cell_radio_version"):
        if key in identity:
            expected_identify[key] = identity[key]
    assert harken_json("serial", "identify", "--port", port) == expected_identify
    assert harken_json("serial", "mac", "--port", port) == {"mac": identity["mac"]}
    assert harken_json("serial", "version", "--port", port) == {
        "version": VERSION,
        "minimal": False,
    }
    inspect = harken_json("serial", "inspect", "--port", port)
    assert (inspect["platform_id"], inspect["platform"]) == (platform.platform_id, platform.name)
    assert [m["function_name"] for m in inspect["modules"]] == ["monolithic"]
    assert harken_json("serial", "claimed", "--port", port) == {"claimed": False}
    diagnostics = harken_json("serial", "diagnostics", "--port", port)
    assert list(diagnostics) == ["sys:uptime"] and diagnostics["sys:uptime"] >= 0


def test_text_output(native_device):
    port = listening(native_device, "photon-plain").console
    result = harken("serial", "identify", "--port", port)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "Your device id is 3a0028000447343232363230",
        f"Your system firmware version is {VERSION}",
    ]
    result = harken("serial", "inspect", "--port", port)
    assert result.stdout.startswith(
        "Platform: 6 - photon\nproduct_id: 6\nproduct_version: 65535\n"
        "Modules\n  monolithic module #0"
    )


def test_claim_accepted_then_refused(native_device):
    device = listening(native_device, "photon-plain")
    assert harken_json("serial", "claim", CODE, "--port", device.console) == {
        "claim_code_set": True,
        "length": 63,
    }
    check_claim_code(read_store(device.state_dir).claim_code, CODE)
    for wrong in (CODE[:62], CODE + "Z"):
        result = harken("serial", "claim", wrong, "--port", device.console)
        assert result.returncode == 1 and "63" in result.stderr
        assert CODE[:30] not in result.stdout + result.stderr
    check_claim_code(read_store(device.state_dir).claim_code, CODE)


def test_claim_from_stdin(native_device):
    device = listening(native_device, "electron")
    result = harken("serial", "claim", "-", "--port", device.console, "--json", stdin=CODE + "\n")
    assert result.returncode == 0 and CODE not in result.stdout + result.stderr
    check_claim_code(read_store(device.state_dir).claim_code, CODE)


def test_wifi_and_dct_show(native_device):
    device = listening(native_device, "photon-plain")
    harken_json("serial", "claim", CODE, "--port", device.console)
    saved = harken_json(
        "serial", "wifi", "--ssid", "HomeNet", "--password", PASSWORD, "--port", device.console
    )
    assert saved == {"saved": True, "ssid": "HomeNet", "prompts": ["ssid", "password"]}
    dct = device.state_dir / "dct.bin"
    shown = harken_json("dct", "show", str(dct))
    assert shown["kind"] == "store"
    assert shown["store"]["current_sector"] is not None
    assert shown["wifi"]["networks"] == [
        {
            "slot": 0,
            "ssid": "HomeNet",
            "security": "wpa2-aes",
            "security_value": "0x00400004",
            "channel": 0,
            "has_password": True,
        }
    ]
    assert shown["wifi"]["has_credentials"] is True
    fields = shown["app"]["fields"]
    assert fields["claim_code"] == {"present": True, "length": 63}
    assert fields["device_id"] == identity_for("photon-plain")["device_id"]
    text = harken("dct", "show", str(dct))
    assert text.returncode == 0 and "slot 0: 'HomeNet' wpa2-aes" in text.stdout
    for output in (json.dumps(shown), text.stdout):
        assert PASSWORD not in output and CODE not in output
        assert PASSWORD[:8] not in output and CODE[:8] not in output


def test_wifi_password_from_stdin(native_device):
    device = listening(native_device, "photon-plain")
    result = harken(
        "serial",
        "wifi",
        "--ssid",
        "HomeNet",
        "--password",
        "-",
        "--port",
        device.console,
        "--json",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["saved"] is True
    (network,) = read_store(device.state_dir).wifi
    assert_bytes(network.key, PASSWORD.encode(), "stored key", [PASSWORD])


def test_wifi_refuses_a_non_ascii_pem_file(native_device, tmp_path):
    device = listening(native_device, "p1-plain")
    pem = tmp_path / "cert.pem"
    pem.write_bytes(b"\xef\xbb\xbf-----BEGIN CERTIFICATE-----\n")
    result = harken(
        "serial",
        "wifi",
        "--ssid",
        "Lab",
        "--security",
        "wpa2-enterprise",
        "--eap-type",
        "tls",
        "--client-cert",
        str(pem),
        "--private-key",
        str(pem),
        "--port",
        device.console,
    )
    assert result.returncode == 1
    assert "is not an ASCII PEM file" in result.stderr


def test_wifi_typed_enterprise_tls_with_pem_files(native_device, tmp_path):
    device = listening(native_device, "p1-plain")
    cert = tmp_path / "client.pem"
    key = tmp_path / "client.key"
    cert.write_text("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n")
    key.write_text("-----BEGIN PRIVATE KEY-----\nMAMCAQI=\n-----END PRIVATE KEY-----\n")
    saved = harken_json(
        "serial", "wifi", "--ssid", "Lab", "--security", "wpa2-enterprise", "--cipher", "aes",
        "--eap-type", "tls", "--client-cert", str(cert), "--private-key", str(key),
        "--port", device.console,
    )  # fmt: skip
    assert saved["prompts"] == [
        "ssid", "security", "cipher", "eap-type", "client-cert", "private-key",
        "outer-identity", "root-ca",
    ]  # fmt: skip
    stored = read_store(device.state_dir)
    assert [(n.ssid, n.security) for n in stored.wifi] == [(b"Lab", 0x02400004)]
    assert stored.client_certificate.hex() == "3003020101"
    assert stored.client_key.hex() == "3003020102"


def test_wifi_failure_is_reported(native_device):
    device = listening(native_device, "photon-plain")
    result = harken(
        "serial", "wifi", "--ssid", "Attic", "--security", "wpa2", "--password", "2short",
        "--port", device.console,
    )  # fmt: skip
    assert result.returncode == 1 and "could not save" in result.stderr
    assert "2short" not in result.stdout + result.stderr
    assert read_store(device.state_dir).wifi == ()


def test_exit_and_listen(native_device):
    device = listening(native_device, "electron")
    log = DeviceLog(device)
    assert harken_json("serial", "exit", "--port", device.console)["exit_sent"] is True
    log.wait_for("[listening] exited")
    result = harken("serial", "mac", "--port", device.console, "--timeout", "0.3")
    assert result.returncode == 1 and "listening mode" in result.stderr
    assert harken_json("serial", "listen", "--port", device.console)["listening"] is True
    assert log.lines()[-1] == "[listening] entered: host request"
    assert harken_json("serial", "mac", "--port", device.console) == {"mac": "00:00:00:00:00:00"}


def test_discovered_device_is_put_into_listening_mode(native_device, capsys, monkeypatch):
    """In process: discovery is pointed at the pty; the device is not listening, so the CLI
    probes, then does the 28800 trick itself."""
    device = native_device("electron", identity="electron")
    found = UsbDevice(
        port=device.console,
        platform=platform_by_name("electron"),
        device_id="3e002a000b51353432383931",
        description="Electron",
    )
    monkeypatch.setattr(device_port, "find_device", lambda: found)
    monkeypatch.setattr(serial_commands, "PROBE_TIMEOUT", 0.3)
    assert main(["serial", "claimed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"claimed": False}
    assert device.log_path.read_text().count("[listening] entered: host request") == 1


def test_emulate_native_runs_until_sigint(native_program, tmp_path):
    state = tmp_path / "cli-state"
    env = {**os.environ, "HARKEN_NATIVE_PROGRAM": str(native_program)}
    process = subprocess.Popen(
        [HARKEN, "emulate", "native", "--platform", "p1", "--state", str(state), "--json",
         "--device-id", "0123456789abcdef01234567"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["event"] == "ready"
        assert ready["device_id"] == "0123456789abcdef01234567"
        assert ready["platform"] == "p1" and ready["state"] == str(state)
        assert ready["console"] == str(state / "console")
        assert Path(ready["console"]).resolve() == Path(ready["pty"])
        with ConsoleClient.open(ready["console"]) as client:
            assert client.identify().device_id == "0123456789abcdef01234567"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""
        with pytest.raises(ProcessLookupError):
            os.kill(ready["pid"], 0)
        assert not os.path.lexists(ready["console"])
        assert "[system] stopped" in (state / "native.log").read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
