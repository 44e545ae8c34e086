"""``harken flash --serial`` against the native virtual device, and the device's side of an
update beyond the transfer itself: the restart into the new image (checked with ``s``), the
pre-check that keeps a foreign image from being sent, and power cuts during the transfer and
between the device's acceptance and its restart."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from flash_images import NEW_VERSION, synthetic_images
from harken.console.client import ConsoleClient
from harken.emulate.native import NativeDevice
from harken.flash.serial_flash import flash_serial
from harken.flash.ymodem_sender import FLASHER_BAUD
from harken.protocol.describe import SystemDescribe
from harken.protocol.module_binary import parse_module, stamp_module
from harken.transport.serial_port import SerialPort
from ymodem_faults import packets, play

CLI_TIMEOUT = 120.0

StartDevice = Callable[..., NativeDevice]


def harken(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("harken")), *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def describe(device: NativeDevice) -> SystemDescribe:
    with ConsoleClient(SerialPort(device.console, FLASHER_BAUD)) as client:
        return client.inspect(timeout=10.0)


def test_the_cli_flashes_and_sees_the_device_restart_into_the_image(
    native_device: StartDevice, tmp_path: Path
):
    device = native_device("photon")
    assert describe(device).modules[0].sha256 is None  # the built-in image: no bytes, no SHA
    images = synthetic_images(6)
    file = tmp_path / "app-v5.bin"
    file.write_bytes(images.good)
    run = harken("flash", "--serial", device.console, str(file), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["verified"], result["verified_by"]) == (True, "sha256")
    assert result["size"] == len(images.good) and result["resent"] == 0
    assert "Downloaded file successfully!" in result["device_said"]
    after = describe(device)
    assert after.modules[0].sha256 == images.good_sha
    assert (after.product_id, after.product_version) == (6, NEW_VERSION)
    assert (after.modules[0].validity_checked, after.modules[0].validity_passed) == (30, 30)
    assert (device.state_dir / "firmware.bin").read_bytes() == images.good
    # A second update replaces the first, in particle-cli's framing this time.
    v6 = stamp_module(images.good, 6, 6)
    file.write_bytes(v6)
    run = harken("flash", "--serial", device.console, str(file), "--ymodem", "particle")
    assert run.returncode == 0, run.stderr
    assert "runs the new image (its SHA-256 matches" in run.stdout
    assert describe(device).product_version == 6


def test_a_foreign_image_is_not_sent_unless_forced(native_device: StartDevice, tmp_path: Path):
    device = native_device("photon")
    file = tmp_path / "electron.bin"
    file.write_bytes(synthetic_images(6).foreign)
    run = harken("flash", "--serial", device.console, str(file))
    assert run.returncode == 1
    assert "not sent: the image is for platform 10, the device is platform 6" in run.stderr
    run = harken("flash", "--serial", device.console, str(file), "--force")
    assert run.returncode == 1
    assert "refused the image" in run.stderr and "Validation failed: -1360" in run.stderr
    assert describe(device).modules[0].sha256 is None
    assert not (device.state_dir / "firmware.bin").exists()


def test_the_library_call_reports_the_transfer_and_the_restart(native_device: StartDevice):
    device = native_device("electron", identity="electron")
    images = synthetic_images(10)
    progress: list[tuple[int, int]] = []
    result = flash_serial(
        device.console,
        images.good,
        parse_module(images.good),
        mode="particle",
        progress=lambda done, total: progress.append((done, total)),
    )
    assert result.verified and result.after is not None
    assert result.after.product_version == NEW_VERSION
    assert progress[-1] == (len(images.good), len(images.good))
    assert result.before is not None and result.before.modules[0].sha256 is None


def test_a_power_cut_mid_transfer_keeps_the_old_image(native_device: StartDevice):
    device = native_device("photon")
    images = synthetic_images(6)
    header, blocks, _, _ = packets(images.good)
    with SerialPort(device.console, FLASHER_BAUD) as port:
        play(port, [header, *blocks[:30]])
    device.kill()  # the supply goes with 30 blocks staged
    device.start()
    assert describe(device).modules[0].sha256 is None
    assert not (device.state_dir / "firmware.bin").exists()
    # Nothing half-done stands in the way of the next update.
    result = flash_serial(device.console, images.good, parse_module(images.good))
    assert result.verified


def test_a_power_cut_after_the_device_accepted_still_installs(native_device: StartDevice):
    device = native_device("photon")
    images = synthetic_images(6)
    header, blocks, eot, end = packets(images.good)
    with SerialPort(device.console, FLASHER_BAUD) as port:
        played = play(port, [header, *blocks, eot, end])
    assert played.answers[-1].startswith(b"\x06\r\nDownloaded file successfully!")
    device.kill()  # before the restart, 1.1 s later: the install was already queued
    device.start()
    assert describe(device).modules[0].sha256 == images.good_sha


@pytest.mark.parametrize("platform", ["photon", "electron"])
def test_the_installed_image_survives_a_restart_of_the_program(
    native_device: StartDevice, platform: str
):
    device = native_device(platform, identity="electron" if platform == "electron" else None)
    images = synthetic_images(10 if platform == "electron" else 6)
    assert flash_serial(device.console, images.good, parse_module(images.good)).verified
    device.stop()
    device.start()
    after = describe(device)
    assert after.modules[0].sha256 == images.good_sha and after.product_version == NEW_VERSION
