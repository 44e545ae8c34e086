"""The broken-transfer cases of tests/flash_fault_cases.py on the QEMU Photon (small modules
linked for the QEMU slot: none of them may be installed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flash_fault_cases import *  # noqa: F403 - the shared cases, collected here
from flash_fault_cases import Target
from flash_images import synthetic_images
from harken.emulate.qemu import QemuDevice
from harken.protocol.update_check import QEMU_SLOT_START


@pytest.fixture(scope="module")
def target(
    qemu_images: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    device = QemuDevice(tmp_path_factory.mktemp("faults"), "photon", image=qemu_images("photon"))
    device.start()
    try:
        yield Target(device, synthetic_images(6, QEMU_SLOT_START), "qemu")
    finally:
        device.stop()
