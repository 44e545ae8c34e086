"""The QEMU device's factory identity, kept in ``STATE/identity.txt`` like the native
device's and handed to the image as boot arguments (its UID registers read 0)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from harken.emulate.native import read_identity, seed_identity

DEVICE_ID = re.compile(r"^[0-9a-f]{24}$")
MAC = re.compile(r"^[0-9a-f]{12}$")
IMEI = re.compile(r"^[0-9]{15,16}$")
ICCID = re.compile(r"^[0-9]{18,22}$")
PARTICLE_OUI = "6c0b84"  # what Photons carry


def boot_device_id(state_dir: Path, requested: str | None) -> str:
    """The requested id (stored), else identity.txt's, else a new random one (stored)."""
    if requested is not None:
        seed_identity(state_dir, device_id=requested)
        return requested
    stored = read_identity(state_dir).get("device_id", "").lower()
    if DEVICE_ID.match(stored):
        return stored
    device_id = os.urandom(12).hex()
    seed_identity(state_dir, device_id=device_id)
    return device_id


def boot_mac(state_dir: Path) -> str:
    """The Wi-Fi MAC `m` reports, as 12 hex digits: identity.txt's, or a new one with
    Particle's OUI, kept there as the native device does."""
    stored = read_identity(state_dir).get("mac", "").replace(":", "").lower()
    if MAC.match(stored):
        return stored
    mac = PARTICLE_OUI + os.urandom(3).hex()
    seed_identity(state_dir, mac=":".join(mac[i : i + 2] for i in range(0, 12, 2)))
    return mac


def boot_modem(state_dir: Path) -> list[str]:
    """The Electron's modem identity as boot arguments (``imei=``, ``iccid=``):
    identity.txt's, or new ones kept there in the native device's form (a SIM is the
    Electron's credential: without one it stays in listening mode)."""
    stored = read_identity(state_dir)
    imei, iccid = stored.get("imei", ""), stored.get("iccid", "")
    if not IMEI.match(imei) or not ICCID.match(iccid):
        imei = "35" + "".join(str(b % 10) for b in os.urandom(13))
        iccid = "8901" + "".join(str(b % 10) for b in os.urandom(16))
        seed_identity(state_dir, imei=imei, iccid=iccid)
    return [f"imei={imei}", f"iccid={iccid}"]


def boot_arguments(
    state_dir: Path, dct: Path, ota: Path, device_id: str, seed: str | None, *, cellular: bool
) -> list[str]:
    """The image's semihosting command line (firmware/src/hal/qemu/boot_arguments.hpp): its
    DCT file, the file it stages a firmware update in, identity, entropy seed (a fresh one
    unless given), and the Wi-Fi MAC or, on the Electron, the modem identity."""
    mac = "000000000000" if cellular else boot_mac(state_dir)
    arguments = [
        f"dct={dct}",
        f"ota={ota}",
        f"device_id={device_id}",
        f"mac={mac}",
        f"seed={seed or os.urandom(32).hex()}",
    ]
    return arguments + (boot_modem(state_dir) if cellular else [])
