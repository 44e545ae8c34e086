"""The images the flashing tests send, per kind of device: for the native device synthetic
monolithic modules linked for the board slot (it describes the image it installs, it does not
run it); for QEMU harken's own QEMU builds, stamped with another product version so that the
device's restart into them shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harken.protocol.module_binary import parse_module, stamp_module
from harken.protocol.module_layout import ModuleFunction
from harken.protocol.update_check import BOARD_SLOT_START
from synthetic_modules import build_module

NEW_VERSION = 5  # the product version every "new image" carries


@dataclass(frozen=True)
class FlashImages:
    good: bytes  # for the device's platform, a new SHA and product version NEW_VERSION
    foreign: bytes  # valid, but for another platform

    @property
    def good_sha(self) -> str:
        return parse_module(self.good).sha256.upper()


def synthetic_images(platform_id: int = 6, start: int = BOARD_SLOT_START) -> FlashImages:
    """Small modules linked at ``start`` (the board slot: what the native device takes;
    QEMU_SLOT_START: what the QEMU device takes). They hold no code: for transfers that
    must never be installed, and for the native device, which does not run what it installs."""
    mono = ModuleFunction.MONO_FIRMWARE
    good = build_module(
        platform_id,
        mono,
        0,
        version=2302,
        product=(platform_id, NEW_VERSION),
        body=8_000,
        start=start,
    )
    other = 10 if platform_id != 10 else 6
    foreign = build_module(other, mono, 0, version=2302, product=(other, NEW_VERSION), start=start)
    return FlashImages(good, foreign)


def qemu_flash_images(images: Callable[[str], Path], platform: str = "photon") -> FlashImages:
    own = images(platform).with_suffix(".bin").read_bytes()
    other = images("electron" if platform != "electron" else "photon").with_suffix(".bin")
    image = parse_module(own)
    return FlashImages(stamp_module(own, image.product_id or 6, NEW_VERSION), other.read_bytes())
