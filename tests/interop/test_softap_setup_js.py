"""Particle's own SoftAP client, @particle/softap-setup 4.1.2 (tests/peers/softap-setup),
against the native virtual device over TCP and over HTTP: the whole sequence of Particle's
set-up apps, then the device's DCT is decoded to check what it stored."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from console_io import DeviceLog
from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import WifiNetwork
from stored_config import check_claim_code, read_store

PEER = Path(__file__).resolve().parents[1] / "peers" / "softap-setup"
DRIVER = PEER / "driver.js"
DRIVER_TIMEOUT = 90.0
DEVICE_ID = "3a0028000447343232363230"
PASSWORD = "P@ssw0rd! with spaces"
CLAIM_CODE = "softapjs" * 7 + "1234567"  # 63 characters
ENVIRONMENT = [
    WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63),
]

pytestmark = pytest.mark.skipif(
    not (PEER / "node_modules" / "@particle" / "softap-setup").is_dir(),
    reason="@particle/softap-setup not installed: run tests/peers/softap-setup/install.sh",
)


def drive(device: NativeDevice, protocol: str, steps: list) -> list[dict]:
    """Run the driver; return its per-step results (failing the test if it hung)."""
    port = device.softap_http_port if protocol == "http" else device.softap_tcp_port
    command = ["node", str(DRIVER), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--protocol", protocol, json.dumps(steps)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=DRIVER_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"driver.js hung for {DRIVER_TIMEOUT:.0f} s", pytrace=False)
    assert result.returncode in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def wait_for_softap(device: NativeDevice, protocol: str) -> None:
    deadline = time.monotonic() + 10.0
    while drive(device, protocol, ["version"])[0]["ok"] is not True:
        if time.monotonic() > deadline:
            pytest.fail("the SoftAP did not come up", pytrace=False)
        time.sleep(0.1)


@pytest.mark.parametrize("protocol", ["tcp", "http"])
def test_particles_client_sets_up_the_device(native_device, protocol):
    device = native_device("photon", identity="photon-plain", wifi_env=ENVIRONMENT)
    wait_for_softap(device, protocol)
    steps = [
        "version",
        "deviceInfo",
        "publicKey",
        "scan",
        {"step": "setClaimCode", "code": CLAIM_CODE},
        {
            "step": "configure",
            "ssid": "HomeNet",
            "security": "wpa2_aes",
            "channel": 6,
            "password": PASSWORD,
        },
        "connect",
    ]
    results = drive(device, protocol, steps)
    failed = [r for r in results if not r["ok"]]
    assert not failed, failed
    by_step = {r["step"]: r for r in results}
    assert by_step["version"]["result"] == {"v": 2}
    assert by_step["deviceInfo"]["result"] == {"id": DEVICE_ID, "claimed": False}
    assert by_step["publicKey"]["result"].startswith("-----BEGIN PUBLIC KEY-----")
    assert [(n["ssid"], n["sec"], n["ch"], n["rssi"]) for n in by_step["scan"]["result"]] == [
        (n.ssid, n.security, n.channel, n.rssi) for n in ENVIRONMENT
    ]
    assert by_step["configure"]["result"] == {"r": 0}

    stored = read_store(device.state_dir)
    check_claim_code(stored.claim_code, CLAIM_CODE)
    assert len(stored.wifi) == 1
    network = stored.wifi[0]
    assert (network.ssid, network.security, network.channel) == (b"HomeNet", 0x00400004, 6)
    assert network.key == PASSWORD.encode(), "the stored passphrase differs from the one sent"
    # connect-ap made the device join what Particle's client configured
    DeviceLog(device).wait_for("[network] joined")


@pytest.mark.parametrize("protocol", ["tcp", "http"])
def test_particles_client_configures_an_open_network(native_device, protocol):
    device = native_device("photon", identity="photon-plain", wifi_env=ENVIRONMENT)
    wait_for_softap(device, protocol)
    steps = ["publicKey", {"step": "configure", "ssid": "CafeFree", "security": "open"}]
    results = drive(device, protocol, steps)
    assert all(r["ok"] for r in results), results
    network = read_store(device.state_dir).wifi[0]
    assert (network.ssid, network.security, network.key) == (b"CafeFree", 0, b"")
