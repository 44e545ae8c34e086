"""The QEMU device's bootloader on real images: what it installs from ``STATE/ota.bin`` into
``STATE/firmware.bin``, what it refuses, and that a refusal leaves the installed image alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from harken.emulate.qemu_update import (
    FIRMWARE_FILE,
    MAX_IMAGE_SIZE,
    OTA_FILE,
    UpdateRefused,
    install_update,
    installed_image,
)
from harken.protocol.module_binary import PREFIX_SIZE, parse_module, stamp_module
from harken.protocol.module_layout import ModuleFunction
from module_edits import bit_flipped, block_padded, moved, with_prefix
from synthetic_modules import build_module

PHOTON, P1, ELECTRON = 6, 8, 10
QEMU_SLOT = 0x08000000


@pytest.fixture(scope="module")
def module(qemu_images: Callable[[str], Path]) -> Callable[[str], bytes]:
    """``module(platform)``: the sealed ``firmware.bin`` of that platform's QEMU build."""
    return lambda platform: qemu_images(platform).with_suffix(".bin").read_bytes()


def stage(state: Path, data: bytes) -> None:
    state.mkdir(exist_ok=True)
    (state / OTA_FILE).write_bytes(data)


def test_installs_exactly_the_module_without_the_block_padding(
    module: Callable[[str], bytes], tmp_path: Path
) -> None:
    image = module("photon")
    stage(tmp_path, block_padded(image))
    assert len(block_padded(image)) > len(image)  # the padding is there to be cut
    outcome = install_update(tmp_path, PHOTON)
    assert (outcome.installed, outcome.size, outcome.reason) == (True, len(image), "")
    assert outcome.log_line == f"[bootloader] installed update: {len(image)} bytes"
    assert (tmp_path / FIRMWARE_FILE).read_bytes() == image
    assert sorted(p.name for p in tmp_path.iterdir()) == [FIRMWARE_FILE, OTA_FILE]  # no temp
    assert installed_image(tmp_path, PHOTON) == tmp_path / FIRMWARE_FILE


@pytest.mark.parametrize(("platform", "platform_id"), [("p1", P1), ("electron", ELECTRON)])
def test_each_platform_installs_its_own_image(
    module: Callable[[str], bytes], tmp_path: Path, platform: str, platform_id: int
) -> None:
    stage(tmp_path, module(platform))
    assert install_update(tmp_path, platform_id).installed


def test_the_product_stamp_is_no_business_of_the_bootloader(
    module: Callable[[str], bytes], tmp_path: Path
) -> None:
    stamped = stamp_module(module("photon"), 4321, 9)
    stage(tmp_path, block_padded(stamped))
    assert install_update(tmp_path, PHOTON).installed
    assert (tmp_path / FIRMWARE_FILE).read_bytes() == stamped


def test_a_prefix_at_the_start_follows_the_device_rule(tmp_path: Path) -> None:
    # no vector table: the first word is the start address, so the prefix is read at +0
    image = build_module(PHOTON, ModuleFunction.MONO_FIRMWARE, 0, start=QEMU_SLOT, prefix_offset=0)
    assert parse_module(image).prefix_offset == 0
    stage(tmp_path, block_padded(image))
    assert install_update(tmp_path, PHOTON).size == len(image)


REFUSALS: dict[str, tuple[Callable[[Callable[[str], bytes]], bytes], str]] = {
    "bit flipped in the body": (
        lambda m: bit_flipped(m("photon"), 0x2000),
        "CRC-32 mismatch",
    ),
    "bit flipped in the CRC": (
        lambda m: bit_flipped(m("photon"), len(m("photon")) - 1),
        "CRC-32 mismatch",
    ),
    "a P1 image": (lambda m: m("p1"), "platform 8 (p1), this device is 6"),
    "an Electron image": (lambda m: m("electron"), "platform 10 (electron), this device is 6"),
    "a user part": (
        lambda m: with_prefix(m("photon"), function=ModuleFunction.USER_PART),
        "module function 5 (user-part), not monolithic firmware",
    ),
    "linked for Device OS's slot": (
        lambda m: moved(m("photon"), 0x20000),
        "start address 0x08020000, the slot is at 0x08000000",
    ),
    "larger than the slot": (
        lambda m: with_prefix(m("photon"), end_address=QEMU_SLOT + MAX_IMAGE_SIZE),
        f"{MAX_IMAGE_SIZE + 4} bytes, the slot holds {MAX_IMAGE_SIZE}",
    ),
    "cut short": (
        lambda m: m("photon")[: len(m("photon")) // 2],
        "truncated: the prefix describes",
    ),
    "cut inside the prefix": (lambda m: m("photon")[: 0x184 + PREFIX_SIZE - 1], "truncated"),
    "empty": (lambda m: b"", "truncated: 0 bytes hold no module prefix"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refuses_and_keeps_the_installed_image(
    module: Callable[[str], bytes], tmp_path: Path, case: str
) -> None:
    make, reason = REFUSALS[case]
    installed = with_prefix(module("photon"), version=2399)
    (tmp_path / FIRMWARE_FILE).write_bytes(installed)
    stage(tmp_path, block_padded(make(module)))
    outcome = install_update(tmp_path, PHOTON)
    assert not outcome.installed and outcome.size == 0
    assert reason in outcome.reason
    assert outcome.log_line == f"[bootloader] update not installed: {outcome.reason}"
    assert (tmp_path / FIRMWARE_FILE).read_bytes() == installed
    assert sorted(p.name for p in tmp_path.iterdir()) == [FIRMWARE_FILE, OTA_FILE]


def test_nothing_staged_is_refused(tmp_path: Path) -> None:
    outcome = install_update(tmp_path, PHOTON)
    assert not outcome.installed and outcome.reason.startswith(f"cannot read {OTA_FILE}")
    assert not (tmp_path / FIRMWARE_FILE).exists()


def test_an_installed_image_must_be_bootable_as_it_is(
    module: Callable[[str], bytes], tmp_path: Path
) -> None:
    assert installed_image(tmp_path, PHOTON) is None  # nothing installed: the build's image
    image = module("photon")
    for content, platform_id, reason in (
        (bit_flipped(image, 0x2000), PHOTON, "CRC-32 mismatch"),
        (image + bytes(4), PHOTON, "4 bytes after the"),  # -kernel would load them too
        (image, P1, "platform 6 (photon), this device is 8"),
    ):
        (tmp_path / FIRMWARE_FILE).write_bytes(content)
        with pytest.raises(UpdateRefused, match=re.escape(reason)):
            installed_image(tmp_path, platform_id)
