"""The core's unit tests built for the Cortex-M3 and run inside QEMU (`pio test -e qemu`, on
mps2-an385: see platformio.ini). Every test that runs natively runs there too, except the
native HAL's own socket test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from firmware_build import pio

ROOT = Path(__file__).resolve().parent.parent
NATIVE_ONLY = {"test_setup_sockets.cpp"}


def expected_tests() -> int:
    sources = (ROOT / "firmware" / "test" / "test_core").glob("test_*.cpp")
    return sum(
        len(re.findall(r"^TEST(?:_F)?\(", path.read_text(), flags=re.M))
        for path in sources
        if path.name not in NATIVE_ONLY
    )


@pytest.mark.timeout(900)
def test_core_unit_tests_pass_on_the_cortex_m3() -> None:
    run = pio("test", "-e", "qemu", build_dir=".pio/build-qemu-unit")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    count = expected_tests()
    assert f"{count} test cases: {count} succeeded" in run.stdout, run.stdout[-2000:]
