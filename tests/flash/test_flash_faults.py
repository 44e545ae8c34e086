"""The broken-transfer cases of tests/flash_fault_cases.py on the native device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flash_fault_cases import *  # noqa: F403 - the shared cases, collected here
from flash_fault_cases import Target
from flash_images import synthetic_images
from harken.emulate.native import NativeDevice


@pytest.fixture(scope="module")
def target(native_program: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    device = NativeDevice(tmp_path_factory.mktemp("faults"), "photon", program=native_program)
    device.start()
    try:
        yield Target(device, synthetic_images(6), "native")
    finally:
        device.stop()
