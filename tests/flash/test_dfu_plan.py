"""DFU planning (spec flashing.md §4.5) on Particle's released Gen 2 binaries (particle-cli@2.16.0
assets; skipped when they cannot be fetched), on synthetic modules for the refusals, and on
harken's own monolithic ARM images (built here if no build left them in .pio/build)."""

from __future__ import annotations

import dataclasses
import zlib
from pathlib import Path

import pytest

from firmware_build import image as image_file
from firmware_build import pio
from harken.flash.dfu_plan import DfuPlan, DfuPlanError, dfu_util_command, plan_dfu
from harken.protocol.module_binary import parse_module
from harken.protocol.module_layout import ModuleFlag, ModuleFunction
from harken.protocol.platform import ELECTRON, P1, PHOTON
from particle_binaries import REAL_BINARIES, BinariesUnavailable, particle_binaries
from synthetic_modules import SYSTEM_PART, USER_PART, build_module

REPO = Path(__file__).resolve().parents[2]
MONO = ModuleFunction.MONO_FIRMWARE
DEVICE_ID = "3a0028000a47353137323334"


@pytest.fixture(scope="session")
def binaries_dir() -> Path:
    try:
        return particle_binaries()
    except BinariesUnavailable as exc:
        pytest.skip(f"Particle's binaries are unavailable: {exc}")


USER, FACTORY = "userFirmware", "factoryReset"
SYS1, SYS2, SYS3 = "systemFirmwareOne", "systemFirmwareTwo", "systemFirmwareThree"
# file, --factory → (usb id, alt, address, :leave, segment): the §4.5 table row by row.
PLAN_TABLE = [
    # user parts (tinker is also the CLI's known app: same userFirmware address)
    ("tinker-0.4.5-photon.bin", False, ("2b04:d006", 0, 0x080A0000, True, USER)),
    ("tinker-0.4.5-p1.bin", False, ("2b04:d008", 0, 0x080A0000, True, USER)),
    ("electron_tinker.bin", False, ("2b04:d00a", 0, 0x08080000, True, USER)),
    ("photon_doctor.bin", False, ("2b04:d006", 0, 0x080A0000, True, USER)),
    ("p1_doctor.bin", False, ("2b04:d008", 0, 0x080A0000, True, USER)),
    ("electron_doctor.bin", False, ("2b04:d00a", 0, 0x08080000, True, USER)),
    ("tinker-usb-debugging-0.6.0-electron.bin", False, ("2b04:d00a", 0, 0x08080000, True, USER)),
    # --factory: the factoryReset segment, no :leave
    ("tinker-0.4.5-photon.bin", True, ("2b04:d006", 0, 0x080E0000, False, FACTORY)),
    ("tinker-0.4.5-p1.bin", True, ("2b04:d008", 0, 0x080E0000, False, FACTORY)),
    ("electron_tinker.bin", True, ("2b04:d00a", 0, 0x080A0000, False, FACTORY)),
    # system parts by module index; Electron's release file partN holds index 3, 1, 2
    ("photon-system-part1@2.2.0.bin", False, ("2b04:d006", 0, 0x08020000, False, SYS1)),
    ("photon-system-part2@2.2.0.bin", False, ("2b04:d006", 0, 0x08060000, False, SYS2)),
    ("p1-system-part1@2.2.0.bin", False, ("2b04:d008", 0, 0x08020000, False, SYS1)),
    ("p1-system-part2@2.2.0.bin", False, ("2b04:d008", 0, 0x08060000, False, SYS2)),
    ("electron-system-part2@2.2.0.bin", False, ("2b04:d00a", 0, 0x08020000, False, SYS1)),
    ("electron-system-part3@2.2.0.bin", False, ("2b04:d00a", 0, 0x08040000, False, SYS2)),
    ("electron-system-part1@2.2.0.bin", False, ("2b04:d00a", 0, 0x08060000, False, SYS3)),
]  # fmt: skip
BOOTLOADERS = [b.name for b in REAL_BINARIES if b.function == "bootloader"]


def real_image(binaries_dir: Path, name: str):
    return parse_module((binaries_dir / name).read_bytes())


def plan_row(plan: DfuPlan) -> tuple:
    return (plan.usb_id, plan.alt, plan.address, plan.leave, plan.segment)


@pytest.mark.parametrize(("name", "factory", "expected"), PLAN_TABLE)
def test_plan_of_a_real_binary(binaries_dir: Path, name: str, factory: bool, expected: tuple):
    image = real_image(binaries_dir, name)
    plan = plan_dfu(image, factory=factory)
    assert plan_row(plan) == expected
    assert (plan.platform_id, plan.size, plan.interface) == (image.platform_id, image.size, 0)
    photon_factory = factory and plan.platform_id != ELECTRON.platform_id
    assert plan.warnings == (
        ("the factory image shares flash with the OTA region: an OTA or serial update "
         "larger than 128 KiB overwrites it",) if photon_factory else ()
    )  # fmt: skip
    assert f"0x{plan.address:08X}" in plan.description
    leave = ":leave" if plan.leave else ""
    assert dfu_util_command(plan, Path("m.bin"), DEVICE_ID) == [
        "dfu-util", "-d", expected[0], "-a", "0", "-i", "0", "-S", DEVICE_ID,
        "-s", f"0x{expected[2]:08X}{leave}", "-D", "m.bin",
    ]  # fmt: skip


def test_every_real_binary_is_in_the_table_or_refused(binaries_dir: Path):
    planned = {name for name, _, _ in PLAN_TABLE}
    assert planned | set(BOOTLOADERS) == {b.name for b in REAL_BINARIES}


def test_system_parts_leave_only_when_asked(binaries_dir: Path):
    """The last step of ``particle update`` writes its system part with :leave."""
    image = real_image(binaries_dir, "photon-system-part2@2.2.0.bin")
    plan = plan_dfu(image, leave=True)
    assert (plan.leave, plan.dfuse_address) == (True, "0x08060000:leave")
    tinker = plan_dfu(real_image(binaries_dir, "electron_tinker.bin"), leave=False)
    assert (tinker.address, tinker.dfuse_address) == (0x08080000, "0x08080000")


@pytest.mark.parametrize("name", BOOTLOADERS)
@pytest.mark.parametrize("kwargs", [{}, {"force": True}, {"force": True, "leave": True}])
def test_bootloaders_are_refused(binaries_dir: Path, name: str, kwargs: dict):
    with pytest.raises(DfuPlanError) as refused:
        plan_dfu(real_image(binaries_dir, name), **kwargs)
    message = str(refused.value)
    assert "bootloader cannot be flashed over DFU" in message
    assert "0x08020000" in message and "OTA region" in message


def test_factory_takes_user_parts_only(binaries_dir: Path):
    with pytest.raises(DfuPlanError, match="--factory takes a user part, not a system-part"):
        plan_dfu(real_image(binaries_dir, "p1-system-part1@2.2.0.bin"), factory=True)


def test_real_binary_on_the_wrong_device(binaries_dir: Path):
    image = real_image(binaries_dir, "tinker-0.4.5-photon.bin")
    with pytest.raises(DfuPlanError, match=r"incorrect platform id \(expected 10 .*, the module"):
        plan_dfu(image, target=ELECTRON)
    # P1 and Photon share a flash map, so a forced Photon app lands in the P1's user slot
    plan = plan_dfu(image, target=P1, force=True)
    assert plan_row(plan) == ("2b04:d008", 0, 0x080A0000, True, "userFirmware")
    assert any("incorrect platform id" in w and "(forced)" in w for w in plan.warnings)


# --- synthetic modules -------------------------------------------------------------------


def synthetic(data: bytes):
    return parse_module(data)


@pytest.mark.parametrize("platform", [PHOTON, P1, ELECTRON], ids=lambda p: p.name)
def test_monolithic_goes_to_system_part_1_without_leave(platform):
    plan = plan_dfu(synthetic(build_module(platform.platform_id, MONO, 0, body=256)))
    assert (plan.address, plan.leave, plan.segment) == (0x08020000, False, "systemFirmwareOne")
    assert plan.pid == platform.usb_dfu_pid and "stay in DFU mode" in plan.description
    assert plan_dfu(synthetic(build_module(platform.platform_id, MONO, 0)), leave=True).leave


def test_bad_crc_is_refused_unless_forced():
    data = bytearray(build_module(6, USER_PART, 1))
    data[-1] ^= 0xFF  # the stored CRC itself: the SHA-256 still verifies
    image = synthetic(bytes(data))
    with pytest.raises(DfuPlanError, match=r"CRC is invalid .*use --force to override"):
        plan_dfu(image)
    plan = plan_dfu(image, force=True)
    assert plan.address == 0x080A0000
    assert [w for w in plan.warnings if "CRC is invalid" in w and "(forced)" in w]


def test_sha_mismatch_alone_is_a_warning():
    data = bytearray(build_module(8, USER_PART, 1))
    data[-20] ^= 0x01  # inside the stored SHA-256
    fixed = data[:-4] + zlib.crc32(bytes(data[:-4])).to_bytes(4, "big")
    plan = plan_dfu(synthetic(bytes(fixed)))
    assert plan.warnings == ("the SHA-256 does not match (devices never check it)",)


def test_wrong_platform_for_the_target_device():
    image = synthetic(build_module(10, SYSTEM_PART, 3))
    with pytest.raises(DfuPlanError, match="incorrect platform id"):
        plan_dfu(image, target=PHOTON)
    with pytest.raises(DfuPlanError, match="a photon has no system part 3"):
        plan_dfu(image, target=PHOTON, force=True)  # no such slot: force cannot help


@pytest.mark.parametrize(
    "function",
    [ModuleFunction.RESOURCE, ModuleFunction.SETTINGS, ModuleFunction.RADIO_STACK, 42],
    ids=str,
)
def test_unknown_functions_are_refused_even_forced(function):
    image = synthetic(build_module(6, function, 0, start=0x080A0000, prefix_offset=0))
    for force in (False, True):
        with pytest.raises(DfuPlanError, match=f"unknown module function {int(function)}"):
            plan_dfu(image, force=force)


def test_non_gen2_platforms_are_refused():
    image = synthetic(build_module(12, USER_PART, 1, start=0x000D4000, prefix_offset=0))
    with pytest.raises(DfuPlanError, match=r"platform 12 \(argon\) cannot be flashed"):
        plan_dfu(image)


def test_unusual_start_addresses():
    moved = synthetic(build_module(6, USER_PART, 1, start=0x080C0000))
    with pytest.raises(DfuPlanError, match="linked at 0x080c0000, but a photon user-part 1"):
        plan_dfu(moved)
    assert plan_dfu(moved, force=True).address == 0x080C0000  # the prefix start, as the CLI
    low = synthetic(build_module(6, USER_PART, 1, start=0x08010000))
    with pytest.raises(DfuPlanError, match="outside the DFU-writable flash"):
        plan_dfu(low, force=True)  # never below 0x08020000, forced or not


def test_factory_image_must_fit_the_flash():
    big = synthetic(build_module(6, USER_PART, 1, body=0x20000))  # over 128 KiB
    with pytest.raises(DfuPlanError, match="outside the DFU-writable flash"):
        plan_dfu(big, factory=True)


def test_drop_module_info_is_refused():
    image = synthetic(build_module(6, USER_PART, 1, flags=ModuleFlag.DROP_MODULE_INFO))
    with pytest.raises(DfuPlanError, match="prefix to be dropped"):
        plan_dfu(image, force=True)


def test_plan_is_frozen_and_the_command_picks_the_serial():
    plan = plan_dfu(synthetic(build_module(10, USER_PART, 1)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.address = 0  # type: ignore[misc]
    assert dfu_util_command(plan, Path("a.bin")) == [
        "dfu-util", "-d", "2b04:d00a", "-a", "0", "-i", "0",
        "-s", "0x08080000:leave", "-D", "a.bin",
    ]  # fmt: skip
    upper = dfu_util_command(plan, Path("a.bin"), DEVICE_ID.upper(), program="/opt/dfu-util")
    assert upper[0] == "/opt/dfu-util" and upper[upper.index("-S") + 1] == DEVICE_ID
    with pytest.raises(DfuPlanError, match="not a USB serial number"):
        dfu_util_command(plan, Path("a.bin"), "abc,def")


# --- harken's own ARM images --------------------------------------------------------------


@pytest.fixture(scope="module")
def harken_images() -> None:
    """The three board images, built if a build has not left them in .pio/build."""
    envs = [p.name for p in (PHOTON, P1, ELECTRON) if not image_file(p.name).is_file()]
    if envs:
        run = pio("run", *(arg for env in envs for arg in ("-e", env)))
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


@pytest.mark.parametrize("platform", [PHOTON, P1, ELECTRON], ids=lambda p: p.name)
def test_harkens_own_firmware_image(platform, harken_images):
    path = image_file(platform.name)
    data = path.read_bytes()
    image = parse_module(data)
    plan = plan_dfu(image)
    assert (image.function, image.platform_id) == (MONO, platform.platform_id)
    assert plan_row(plan) == (
        f"2b04:{platform.usb_dfu_pid:04x}",
        0,
        0x08020000,
        False,
        "systemFirmwareOne",
    )
    assert dfu_util_command(plan, path)[-4:] == ["-s", "0x08020000", "-D", str(path)]
