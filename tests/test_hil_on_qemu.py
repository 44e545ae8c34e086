"""The hil/ conformance suite against the Cortex-M3 image under QEMU, so the one test command
covers both emulated devices (the default pytest run already takes hil/ on native)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(900)
@pytest.mark.parametrize("platform", ["photon", "electron"])
def test_hil_suite_passes_on_qemu(platform: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "hil", "--dut", "qemu", "--dut-platform", platform,
         "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=ROOT, capture_output=True, text=True, timeout=880, check=False,
    )  # fmt: skip
    tail = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, f"hil on qemu ({platform}) failed:\n{tail}\n{result.stderr}"
    assert " passed" in result.stdout
