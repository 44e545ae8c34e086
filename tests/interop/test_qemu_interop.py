"""Particle's own clients against the Cortex-M3 image under QEMU: particle-cli 3.19.0's serial
commands over the relayed console pty, and @particle/softap-setup over the SoftAP ports the
host relays to the image's USART2 bridge (TCP and HTTP). Afterwards the DCT file the image
keeps through semihosting holds what they sent."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harken.emulate.qemu import QemuDevice
from harken.emulate.wifi_env import WifiNetwork
from stored_config import check_claim_code, read_store

PEERS = Path(__file__).resolve().parents[1] / "peers"
PARTICLE = PEERS / "particle-cli" / "bin" / "particle"
DRIVER = PEERS / "softap-setup" / "driver.js"
DEVICE_ID = "0a1b2c3d4e5f60718293a4b5"
MAC = "6c:0b:84:5a:a5:01"
PASSWORD = "qemu-passphrase-1"
CLAIM_CODE = "Q" * 63
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
ENVIRONMENT = [WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD)]


@pytest.fixture
def device(tmp_path: Path) -> Iterator[QemuDevice]:
    state = tmp_path / "qemu"
    state.mkdir()
    (state / "identity.txt").write_text(f"device_id={DEVICE_ID}\nmac={MAC}\n")
    with QemuDevice(state, "photon") as dev:
        dev.set_wifi_environment(ENVIRONMENT)
        yield dev


def run(command: list[str], timeout: float = 90.0) -> tuple[int, str]:
    try:
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{command[0]} hung: {exc.stdout!r}", pytrace=False)
    return result.returncode, ANSI.sub("", result.stdout + result.stderr)


@pytest.mark.skipif(not PARTICLE.exists(), reason="particle-cli not installed")
def test_particle_cli_serial_commands_over_the_qemu_pty(device: QemuDevice) -> None:
    code, out = run([str(PARTICLE), "serial", "identify", "--port", device.console])
    assert code == 0, out
    assert f"Your device id is {DEVICE_ID}" in out
    assert "Your system firmware version is 2.3.1" in out
    time.sleep(0.2)
    code, out = run([str(PARTICLE), "serial", "mac", "--port", device.console])
    assert code == 0 and MAC in out, out
    time.sleep(0.2)
    code, out = run([str(PARTICLE), "serial", "inspect", "--port", device.console])
    assert code == 0 and "Platform: 6 - Photon" in out, out


@pytest.mark.skipif(
    not (DRIVER.parent / "node_modules" / "@particle" / "softap-setup").is_dir(),
    reason="@particle/softap-setup not installed",
)
@pytest.mark.parametrize("protocol", ["tcp", "http"])
def test_particle_softap_setup_through_the_bridge(device: QemuDevice, protocol: str) -> None:
    port = device.softap_http_port if protocol == "http" else device.softap_tcp_port
    steps = [
        "deviceInfo",
        "publicKey",
        "scan",
        {"step": "setClaimCode", "code": CLAIM_CODE},
        {"step": "configure", "ssid": "HomeNet", "security": "wpa2_aes", "channel": 6,
         "password": PASSWORD},
        "connect",
    ]  # fmt: skip
    code, out = run(["node", str(DRIVER), "--host", "127.0.0.1", "--port", str(port),
                     "--protocol", protocol, json.dumps(steps)])  # fmt: skip
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["step"] for r in results if r["ok"]] == [
        "deviceInfo", "publicKey", "scan", "setClaimCode", "configure", "connect",
    ], out  # fmt: skip
    assert results[0]["result"] == {"id": DEVICE_ID, "claimed": False}
    stored = read_store(device.state_dir)
    check_claim_code(stored.claim_code, CLAIM_CODE)
    network = stored.wifi[0]
    assert (network.ssid, network.security, network.key) == (
        b"HomeNet",
        0x00400004,
        PASSWORD.encode(),
    )
    deadline = time.monotonic() + 20
    while b"[network] joined" not in device.log_path.read_bytes():
        assert time.monotonic() < deadline, "the image did not join after connect-ap"
        time.sleep(0.05)
