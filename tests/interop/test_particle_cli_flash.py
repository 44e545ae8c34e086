"""``particle flash --serial`` (particle-cli 3.19.0) into harken's devices: the native Photon
and Electron, and the Photon image under QEMU. particle-cli never reads what the device says
after the final ACK, so each test then asks the device itself with ``s``: after a success it
must run the new image (its SHA-256, product version 5), after a refusal the one it had.

particle-cli sends CRC ``00 00``, so a bit flipped in the image cannot be caught per block:
only the device's integrity check at the end of the batch stops it (``CA CA``: the CLI's
"Transfer cancelled")."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from particle_serial_flash import CANCELLED, PARTICLE, SUCCESS, particle_flash_serial

from flash_images import NEW_VERSION, synthetic_images
from harken.emulate.native import NativeDevice
from harken.emulate.qemu import QemuDevice
from harken.flash.serial_flash import flash_serial
from harken.protocol.module_binary import parse_module, stamp_module
from module_edits import bit_flipped
from running_image import describe, wait_for_sha

pytestmark = pytest.mark.skipif(
    not PARTICLE.exists(),
    reason="particle-cli not installed: run tests/peers/particle-cli/install.sh",
)

TESTS = Path(__file__).resolve().parents[1]
PLATFORM_ID = {"photon": 6, "electron": 10}
CLI_TIMEOUT = 120.0
AFTER_VERDICT = 1.5
"""A device that had (wrongly) queued an image would have restarted by now."""


def cli_flash(
    device: NativeDevice | QemuDevice, platform: str, image: bytes, tmp_path: Path
) -> tuple[int, str]:
    file = tmp_path / f"image-{parse_module(image).sha256[:8]}.bin"
    file.write_bytes(image)
    device_id = device.info["device_id"]
    return particle_flash_serial(device.console, file, platform, device_id, CLI_TIMEOUT)


def corrupted(image: bytes) -> bytes:
    """``image`` with one bit flipped half-way, its CRC-32 and SHA left as they were."""
    damaged = bit_flipped(image, len(image) // 2)
    assert not parse_module(damaged).crc_ok
    return damaged


# --- the native Photon and Electron --------------------------------------------------------


@pytest.mark.timeout(120)
@pytest.mark.parametrize("platform", ["photon", "electron"])
def test_particle_cli_flashes_the_native_device(
    start_device: Callable[..., NativeDevice], platform: str, tmp_path: Path
) -> None:
    device = start_device(platform)
    images = synthetic_images(PLATFORM_ID[platform])
    assert describe(device.console).modules[0].sha256 != images.good_sha
    code, out = cli_flash(device, platform, images.good, tmp_path)
    assert (code, out.splitlines()[-1]) == (0, SUCCESS), out
    after = wait_for_sha(device.console, images.good_sha)
    assert after is not None and after.modules[0].sha256 == images.good_sha
    assert (after.product_id, after.product_version) == (PLATFORM_ID[platform], NEW_VERSION)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("platform", ["photon", "electron"])
def test_a_corrupted_image_is_cancelled_and_the_native_device_keeps_its_image(
    start_device: Callable[..., NativeDevice], platform: str, tmp_path: Path
) -> None:
    device = start_device(platform)
    images = synthetic_images(PLATFORM_ID[platform])
    # Start from an installed image, so that "the old image" has a SHA of its own.
    assert flash_serial(device.console, images.good, parse_module(images.good)).verified
    damaged = corrupted(stamp_module(images.good, PLATFORM_ID[platform], NEW_VERSION + 1))
    code, out = cli_flash(device, platform, damaged, tmp_path)
    assert code == 1 and CANCELLED in out and SUCCESS not in out, out
    time.sleep(AFTER_VERDICT)
    after = describe(device.console)
    assert after.modules[0].sha256 == images.good_sha
    assert after.product_version == NEW_VERSION


# --- the QEMU Photon ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def qemu_images(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The QEMU images as tests/qemu builds them (its build folder and its lock, so two
    sessions never build at once); that conftest is out of this folder's fixture scope,
    hence loaded by path."""
    spec = importlib.util.spec_from_file_location("qemu_conftest", TESTS / "qemu" / "conftest.py")
    assert spec is not None and spec.loader is not None
    qemu_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(qemu_conftest)
    copy_dir = tmp_path_factory.mktemp("qemu-images")
    built: dict[str, Path] = {}

    def image(platform: str) -> Path:
        if platform not in built:
            built[platform] = qemu_conftest._build(platform, copy_dir)
        return built[platform]

    return image


@pytest.fixture
def qemu_photon(qemu_images: Callable[[str], Path], tmp_path: Path) -> Iterator[QemuDevice]:
    device = QemuDevice(tmp_path / "qemu", "photon", image=qemu_images("photon"))
    device.start()
    try:
        yield device
    finally:
        device.stop(timeout=2.0)


@pytest.fixture
def qemu_image(qemu_images: Callable[[str], Path]) -> bytes:
    """harken's own QEMU Photon build restamped to product version 5: it boots after the
    install, and ``s`` tells it from the build by its SHA and product version."""
    return stamp_module(qemu_images("photon").with_suffix(".bin").read_bytes(), 6, NEW_VERSION)


@pytest.mark.timeout(180)
def test_particle_cli_flashes_the_qemu_photon(
    qemu_photon: QemuDevice, qemu_image: bytes, tmp_path: Path
) -> None:
    sha = parse_module(qemu_image).sha256.upper()
    before = describe(qemu_photon.console)
    assert before.modules[0].sha256 not in (None, sha)
    code, out = cli_flash(qemu_photon, "photon", qemu_image, tmp_path)
    assert (code, out.splitlines()[-1]) == (0, SUCCESS), out
    after = wait_for_sha(qemu_photon.console, sha)
    assert after is not None and after.modules[0].sha256 == sha, (
        f"the runner installed {qemu_photon.updates_installed} update(s); "
        f"last: {qemu_photon.last_update}"
    )
    assert (after.product_id, after.product_version) == (6, NEW_VERSION)
    assert after.modules[0].validity_passed == after.modules[0].validity_checked
    assert qemu_photon.updates_installed == 1


@pytest.mark.timeout(180)
def test_a_corrupted_image_is_cancelled_and_the_qemu_photon_keeps_its_image(
    qemu_photon: QemuDevice, qemu_image: bytes, tmp_path: Path
) -> None:
    before = describe(qemu_photon.console)
    code, out = cli_flash(qemu_photon, "photon", corrupted(qemu_image), tmp_path)
    assert code == 1 and CANCELLED in out and SUCCESS not in out, out
    time.sleep(AFTER_VERDICT)
    after = describe(qemu_photon.console)
    assert after.modules[0].sha256 == before.modules[0].sha256
    assert after.product_version == before.product_version != NEW_VERSION
    assert qemu_photon.updates_installed == 0 and qemu_photon.running
