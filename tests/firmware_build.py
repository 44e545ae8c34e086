"""Runs PlatformIO for the tests: one place that knows the commands and build folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIO = Path(sys.executable).with_name("pio")
ARM_ENVS = ("qemu", "photon", "p1", "electron")


def pio(
    *args: str, build_dir: str | None = None, timeout: float = 900
) -> subprocess.CompletedProcess:
    """Runs `pio ARGS` at the repository root and returns the finished process."""
    env = dict(os.environ)
    if build_dir:
        # `pio test` would otherwise overwrite the virtual device's program in .pio/build
        env["PLATFORMIO_BUILD_DIR"] = str(ROOT / build_dir)
    return subprocess.run(
        [str(PIO), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def image(env: str, name: str = "firmware.bin") -> Path:
    return ROOT / ".pio" / "build" / env / name
