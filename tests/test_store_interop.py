"""The config store contract both ways: stores built with harken.protocol.store are loaded by
the real native device (newest valid sector wins, sequence numbers wrap, a corrupt copy is
skipped), and what the device then reports and writes matches."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console_io import DeviceLog, RawConsole, enter_listening
from dct_images import CLAIM_CODE, app_dct_image, wifi_config_image
from harken.protocol.dct import FIELD_SPANS, blank_app_dct, decode_app_dct
from harken.protocol.store import SECTOR_SIZE, build_sector
from harken.protocol.wifi_config import WIFI_CONFIG_SIZE, decode_wifi_config
from stored_config import app_span, assert_only_changed, check_claim_code, decode_store, read_store

HARKEN = str(Path(sys.executable).with_name("harken"))
ERASED = b"\xff" * SECTOR_SIZE
NEW_CODE = "N" * 63
DEVICE_CODE = "[2-9A-HJ-NP-Z]{6}"
"""A generated setup SSID suffix: six characters without 0, 1, I and O."""


def app_with(**fields: bytes) -> bytes:
    image = blank_app_dct()
    for name, value in fields.items():
        offset, _ = FIELD_SPANS[name]
        image[offset : offset + len(value)] = value
    return bytes(image)


def preload(state: Path, *sectors: bytes) -> None:
    state.mkdir(parents=True, exist_ok=True)
    (state / "dct.bin").write_bytes(b"".join(sectors))


def test_device_loads_a_store_built_by_harken(native_device, tmp_path):
    state = tmp_path / "preloaded"
    preload(state, ERASED, build_sector(7, bytes(wifi_config_image()), bytes(app_dct_image())))
    device = native_device("photon", identity="photon-otp", state=state)
    log = DeviceLog(device)
    # slot 0 holds HomeNet: the device has credentials, does not listen by itself, and joins
    # (HomeNet is in range and takes any password)
    assert "[listening]" not in device.log_path.read_text()
    log.wait_for("[network] joined")
    before = read_store(state)
    enter_listening(device)
    log.wait_for("[softap] up")
    # The preload holds a complete setup SSID (prefix, code) and WICED's soft-AP record for
    # it, as Device OS leaves them: listening mode has nothing to add.
    listening = read_store(state)
    soft_ap = decode_wifi_config(listening.sector.wifi_config).soft_ap
    assert (soft_ap.ssid, soft_ap.channel) == ("Photon-7KQ2ZD", 11), "the soft-AP record"
    assert_only_changed(before, listening, [], "listening mode over a complete setup SSID")
    assert listening.sector.sequence == before.sector.sequence
    with RawConsole(device.console) as console:
        console.exchange(
            "i",
            "Device ID: 3a0028000447343232363230\r\nDevice Secret: ABCDEFGHJKLMNPQ\r\n"
            "Serial Number: PHHAAB811ABCDEF\r\n",
            secrets=["ABCDEFGHJKLMNPQ"],
        )
        console.exchange("c", "Device claimed: yes\r\n")
        console.exchange("C", "Enter 63-digit claim code: ")
        console.exchange(NEW_CODE + "\n", f"{NEW_CODE}\r\nClaim code set to: {NEW_CODE}\r\n")
        console.exchange("j", '{"attempt":1,"state":"connected","ssid":"HomeNet"}\r\n')
    after = read_store(state)
    assert after.sector.index != before.sector.index
    assert after.sector.sequence == before.sector.sequence + 1
    check_claim_code(after.claim_code, NEW_CODE)
    assert after.claimed is True
    assert_only_changed(before, after, [app_span("claim_code")], "claim code over a preload")
    assert [n.ssid for n in after.wifi] == [b"HomeNet", b"Cafe", b"Office", b"OldWep"]
    assert log.lines() == ["[network] joined", "[listening] entered: host request", "[softap] up"]


def test_device_secret_is_hidden_by_the_cli(native_device, tmp_path):
    state = tmp_path / "secret"
    preload(state, build_sector(1, bytes(WIFI_CONFIG_SIZE), app_with(device_secret=b"S" * 15)),
            ERASED)  # fmt: skip
    device = native_device("photon", identity="photon-plain", state=state)

    def identify(*extra: str) -> dict:
        command = [HARKEN, "serial", "identify", "--port", device.console, "--json", *extra]
        run = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    shown = identify()
    assert shown["form"] == "long" and shown["device_secret_present"] is True
    assert "device_secret" not in shown and "S" * 15 not in json.dumps(shown)
    assert identify("--show-secret")["device_secret"] == "S" * 15


@pytest.mark.parametrize("value,claimed", [(b"1", True), (b"\x01", False), (b"\x00", False)])
def test_only_ascii_one_means_claimed(native_device, tmp_path, value, claimed):
    state = tmp_path / "claimed"
    preload(state, build_sector(3, bytes(WIFI_CONFIG_SIZE), app_with(claimed=value)), ERASED)
    device = native_device("p1", identity="p1-plain", state=state)
    with RawConsole(device.console) as console:
        console.exchange("c", f"Device claimed: {'yes' if claimed else 'no'}\r\n")


def test_sequence_wraps_around(native_device, tmp_path):
    """Sequence 0 is newer than 0xFFFFFFFF: the device must use sector 1 here, and count on
    from 0 (its first boot writes the device id, the product, a device key and, entering
    listening mode without credentials, the setup SSID into new copies)."""
    state = tmp_path / "wrap"
    older = build_sector(0xFFFFFFFF, bytes(WIFI_CONFIG_SIZE), app_with(claimed=b"1"))
    newer = build_sector(0, bytes(WIFI_CONFIG_SIZE), app_with(claim_code=CLAIM_CODE))
    preload(state, older, newer)
    device = native_device("photon", identity="photon-plain", state=state)
    with RawConsole(device.console) as console:
        console.exchange("c", "Device claimed: no\r\n")
    stored = read_store(state)
    assert 1 <= stored.sector.sequence <= 4
    check_claim_code(stored.claim_code, CLAIM_CODE.decode())
    assert stored.claimed is False
    app = decode_app_dct(stored.sector.app_dct)
    assert app.device_private_key is not None and app.device_private_key.der_length is not None
    assert app.ssid_prefix == "Photon"
    assert app.device_code is not None and re.fullmatch(DEVICE_CODE, app.device_code)


def test_corrupt_newer_copy_is_skipped(native_device, tmp_path):
    state = tmp_path / "corrupt"
    good = build_sector(5, bytes(WIFI_CONFIG_SIZE), app_with(claimed=b"1"))
    bad = bytearray(build_sector(6, bytes(WIFI_CONFIG_SIZE), app_with()))
    bad[9000] ^= 0x01  # one flipped bit: the CRC no longer matches
    preload(state, good, bytes(bad))
    device = native_device("photon", identity="photon-plain", state=state)
    with RawConsole(device.console) as console:
        console.exchange("c", "Device claimed: yes\r\n")
    assert read_store(state).sector.index == 0


def test_no_valid_copy_means_factory_defaults(native_device, tmp_path):
    state = tmp_path / "garbage"
    preload(state, b"\x5a" * SECTOR_SIZE, b"\x00" * SECTOR_SIZE)
    device = native_device("photon", identity="photon-plain", state=state)
    with RawConsole(device.console) as console:
        console.exchange("c", "Device claimed: no\r\n")
    stored = decode_store((state / "dct.bin").read_bytes())  # the boot wrote a fresh copy
    assert stored.claim_code is None and stored.wifi == ()
