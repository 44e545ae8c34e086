"""The README's main job, `harken demo`: a virtual device set up over serial and SoftAP, the
wrong passphrase reported as such, the right one joined, and the result in the device's DCT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harken.emulate.native import LOG_FILE
from stored_config import read_store

HARKEN = str(Path(sys.executable).with_name("harken"))


def test_demo_sets_up_a_virtual_device(native_program, tmp_path):
    state = tmp_path / "demo"
    env = {**os.environ, "HARKEN_NATIVE_PROGRAM": str(native_program)}
    result = subprocess.run(
        [HARKEN, "demo", "--state", str(state), "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True and outcome["stored_networks"] == ["HomeNet"]
    stored = read_store(state)
    assert [(n.ssid, n.key) for n in stored.wifi] == [(b"HomeNet", b"demo-passphrase")]
    assert stored.claim_code is not None and len(stored.claim_code) == 63
    log = (state / LOG_FILE).read_text()
    assert "[network] join failed" in log and "[network] joined" in log
    assert "demo-passphrase" not in log and stored.claim_code not in log


def test_demo_prints_each_step(native_program, tmp_path):
    env = {**os.environ, "HARKEN_NATIVE_PROGRAM": str(native_program)}
    result = subprocess.run(
        [HARKEN, "demo", "--state", str(tmp_path / "demo")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "outcome     wrong password for 'HomeNet'" in out
    assert "outcome     the device joined 'HomeNet'" in out
    assert out.rstrip().endswith("done: the virtual device is set up")
