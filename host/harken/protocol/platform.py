"""The Gen 2 platforms: platform ids, names and USB identities."""

from __future__ import annotations

from dataclasses import dataclass

PARTICLE_USB_VID = 0x2B04


@dataclass(frozen=True)
class Platform:
    """One Gen 2 platform as it identifies itself on the wire and on USB."""

    platform_id: int
    name: str
    product: str
    usb_cdc_pid: int
    usb_dfu_pid: int
    has_wifi: bool


PHOTON = Platform(6, "photon", "Photon", 0xC006, 0xD006, has_wifi=True)
P1 = Platform(8, "p1", "P1", 0xC008, 0xD008, has_wifi=True)
ELECTRON = Platform(10, "electron", "Electron", 0xC00A, 0xD00A, has_wifi=False)

PLATFORMS: tuple[Platform, ...] = (PHOTON, P1, ELECTRON)


def platform_by_id(platform_id: int) -> Platform | None:
    """The platform with this numeric id (6, 8, 10), or None."""
    return next((p for p in PLATFORMS if p.platform_id == platform_id), None)


def platform_by_name(name: str) -> Platform | None:
    """The platform with this name (``photon``, ``p1``, ``electron``; any case), or None."""
    wanted = name.lower()
    return next((p for p in PLATFORMS if p.name == wanted), None)


def platform_by_cdc_pid(pid: int) -> Platform | None:
    """The platform whose serial (CDC) USB product id is ``pid``, or None."""
    return next((p for p in PLATFORMS if p.usb_cdc_pid == pid), None)


def platform_name(platform_id: int) -> str | None:
    """``photon``/``p1``/``electron`` for 6/8/10, None for other ids."""
    found = platform_by_id(platform_id)
    return found.name if found else None
