"""The hil/ conformance suite against the Cortex-M3 image under QEMU, so the one test command
covers both emulated devices (the default pytest run already takes hil/ on native). The
Photon and Electron runs go side by side: most of their time is device time (button holds,
LED periods) during which QEMU idles."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harken.emulate.qemu_image import build_qemu_image, image_path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("photon", "electron")


@pytest.mark.timeout(900)
def test_hil_suite_passes_on_qemu() -> None:
    for platform in PLATFORMS:  # one build at a time: two pio runs would share .pio
        if not image_path(platform, ROOT).is_file():
            build_qemu_image(platform, ROOT)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="hil-qemu-") as tmp:
        for platform in PLATFORMS:
            out = open(Path(tmp) / f"{platform}.out", "w+")  # noqa: SIM115 - closed below
            command = [sys.executable, "-m", "pytest", "hil", "--dut", "qemu",
                       "--dut-platform", platform, "-q", "-p", "no:cacheprovider", "-rs",
                       "--basetemp", str(Path(tmp) / platform)]  # fmt: skip
            runs[platform] = (subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out), out)
        failures = []
        for platform, (run, out) in runs.items():
            try:
                code = run.wait(timeout=880)
            except subprocess.TimeoutExpired:
                run.kill()
                code = run.wait()
            out.seek(0)
            text = out.read()
            out.close()
            if code != 0 or " passed" not in text:
                tail = "\n".join(text.splitlines()[-40:])
                failures.append(f"hil on qemu ({platform}) failed:\n{tail}")
    assert not failures, "\n\n".join(failures)
