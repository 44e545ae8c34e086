"""``harken emulate qemu``: prints where the device is, serves until Ctrl-C, leaves nothing."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import BUILD_DIR, process_gone
from harken.console.client import ConsoleClient
from harken.emulate.qemu import ENV_BUILD_DIR
from harken.softap.client import SoftApClient
from harken.softap.errors import SoftApUnreachable

ROOT = Path(__file__).resolve().parents[2]
HARKEN = Path(sys.executable).with_name("harken")


def test_emulate_qemu_serves_until_interrupted(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    qemu_images("photon")  # built into BUILD_DIR, where the command looks
    env = {**os.environ, ENV_BUILD_DIR: str(ROOT / BUILD_DIR)}
    command = [str(HARKEN), "emulate", "qemu", "--state", str(tmp_path / "dev"), "--json"]
    command += ["--device-id", "00112233445566778899aabb"]
    command += ["--network", "HomeNet:wpa2_aes:pass-phrase:6:-48", "--network", "Cafe:open"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qemu_pid = None
    try:
        assert run.stdout is not None
        assert select.select([run.stdout], [], [], 30)[0], "no ready line"
        info = json.loads(run.stdout.readline())
        qemu_pid = info["pid"]
        assert info["console"] == str(tmp_path / "dev" / "console")
        assert info["serial_url"].startswith("socket://127.0.0.1:")
        with ConsoleClient.open(info["serial_url"]) as console:
            assert console.identify().device_id == "00112233445566778899aabb"
        tcp = SoftApClient("127.0.0.1", info["softap"]["tcp"], timeout=10)
        deadline = time.monotonic() + 10
        while True:  # the AP comes up with listening mode, just after the console
            try:
                assert tcp.device_info().device_id == "00112233445566778899aabb"
                break
            except SoftApUnreachable:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        scan = [(e.ssid, e.security, e.channel, e.rssi) for e in tcp.scan()]
        assert scan == [("HomeNet", 0x00400004, 6, -48), ("Cafe", 0, 1, -50)]
        # the README's tour: harken's own CLI against the QEMU device
        identify = subprocess.run(
            [str(HARKEN), "serial", "identify", "--port", info["console"], "--json"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert identify.returncode == 0, identify.stderr
        assert json.loads(identify.stdout)["device_id"] == "00112233445566778899aabb"
        setup = subprocess.run(
            [str(HARKEN), "softap", "setup", "--host", "127.0.0.1", "--port",
             str(info["softap"]["tcp"]), "--ssid", "HomeNet", "--password", "-"],
            input="pass-phrase\n", capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert setup.returncode == 0, setup.stdout + setup.stderr
        assert "the device joined 'HomeNet'" in setup.stdout + setup.stderr
        run.send_signal(signal.SIGINT)
        assert run.wait(10) == 0
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(5)
    assert qemu_pid is not None and process_gone(qemu_pid)
    assert not (tmp_path / "dev" / "console").exists()
