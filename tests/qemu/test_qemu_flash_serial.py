"""``harken flash --serial`` into the QEMU device with harken's own QEMU images, restamped
with a new product version: the image really runs after the runner installs it, and ``s``
shows its SHA and product. Also the Electron image's non-default product (1234), which keeps
the device in its product."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from harken.console.client import ConsoleClient
from harken.emulate.qemu import QemuDevice
from harken.flash.ymodem_sender import FLASHER_BAUD
from harken.protocol.module_binary import parse_module, stamp_module
from harken.transport.serial_port import SerialPort
from ymodem_faults import packets, play

HARKEN = str(Path(sys.executable).with_name("harken"))

StartQemu = Callable[..., QemuDevice]


def flash(console: str, file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HARKEN, "flash", "--serial", console, str(file), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(("platform", "product"), [("photon", 6), ("electron", 1234)])
def test_the_device_restarts_into_a_flashed_image(
    qemu_device: StartQemu,
    qemu_images: Callable[[str], Path],
    tmp_path: Path,
    platform: str,
    product: int,
) -> None:
    device = qemu_device(platform)
    own = qemu_images(platform).with_suffix(".bin").read_bytes()
    assert parse_module(own).product_id == product
    new = stamp_module(own, product, 42)
    file = tmp_path / "v42.bin"
    file.write_bytes(new)
    run = flash(device.console, file)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["verified_by"] == "sha256"
    assert device.updates_installed == 1
    with ConsoleClient(SerialPort(device.console, FLASHER_BAUD)) as client:
        after = client.inspect(timeout=10.0)
    assert (after.product_id, after.product_version) == (product, 42)
    assert after.modules[0].sha256 == parse_module(new).sha256.upper()
    assert (after.modules[0].validity_checked, after.modules[0].validity_passed) == (30, 30)
    # Another product's image is refused by the device itself (--force skips the pre-check).
    if product != 6:
        file.write_bytes(stamp_module(own, 4321, 1))
        run = flash(device.console, file, "--force")
        assert run.returncode == 1 and "Validation failed: -1320" in run.stderr
        assert device.updates_installed == 1


@pytest.mark.parametrize("when", ["mid-transfer", "after the device accepted"])
def test_a_power_cut_keeps_the_old_image(
    qemu_device: StartQemu, qemu_images: Callable[[str], Path], when: str
) -> None:
    # On QEMU only the guest's hand-over (exit 86) installs; a cut before it, even after the
    # device answered ACK, leaves the old image (protocol/firmware-update.md).
    device = qemu_device("photon")
    own = qemu_images("photon").with_suffix(".bin").read_bytes()
    header, blocks, eot, end = packets(stamp_module(own, 6, 42))
    with SerialPort(device.console, FLASHER_BAUD) as port:
        if when == "mid-transfer":
            play(port, [header, *blocks[:30]])
        else:
            play(port, [header, *blocks, eot])
            port.write(end)  # the hand-over follows 1.1 s after the answer: cut at once
            port.read_until(b"Downloaded file successfully!", timeout=10.0)
    device.kill()
    device.start()
    with ConsoleClient(SerialPort(device.console, FLASHER_BAUD)) as client:
        after = client.inspect(timeout=10.0)
    assert after.modules[0].sha256 == parse_module(own).sha256.upper()
    assert after.product_version == 0xFFFF and device.updates_installed == 0
