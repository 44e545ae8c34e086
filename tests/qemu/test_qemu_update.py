"""Firmware updates on the QEMU device, the runner's side, with a real QEMU: booting the
installed raw image and keeping it, falling back from a damaged one, and the bootloader's
supervision of the guest's hand-over (exit status 86).

Most tests make the hand-over through QEMU's gdbstub (:mod:`semihosting_exit`), with the same
semihosting call the image makes, so the runner's answer to every case can be set up exactly.
The last two flash over YMODEM end to end (through the API, and through ``harken emulate
qemu``), where the image itself stages the file and hands over.
"""

from __future__ import annotations

import json
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from semihosting_exit import gdb_arguments, semihosting_exit

from conftest import StartQemu, process_gone
from harken.console.client import ConsoleClient
from harken.emulate.qemu import ENV_BUILD_DIR, ENVS, QemuDevice
from harken.emulate.qemu_process import free_port
from harken.emulate.qemu_update import FIRMWARE_FILE, OTA_FILE, UPDATE_EXIT
from harken.flash import send_file
from harken.protocol.module_binary import parse_module
from harken.transport.serial_port import SerialPort
from module_edits import bit_flipped, block_padded, with_prefix

HARKEN = Path(sys.executable).with_name("harken")
TIMEOUT = 30.0
NEW_VERSION = 2399
"""The module version of the "new" image: `s` reports the running image's own prefix."""


@pytest.fixture
def module(qemu_images: Callable[[str], Path]) -> Callable[[str], bytes]:
    """``module(platform)``: the sealed ``firmware.bin`` of that platform's QEMU build."""
    return lambda platform: qemu_images(platform).with_suffix(".bin").read_bytes()


@pytest.fixture
def build_dir(
    qemu_images: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A build folder of this test's own holding the Photon ELF, where a device given no
    image looks (so that nothing is built and no other session's build is booted)."""
    folder = tmp_path / "build"
    (folder / ENVS["photon"]).mkdir(parents=True)
    shutil.copy2(qemu_images("photon"), folder / ENVS["photon"] / "firmware.elf")
    monkeypatch.setenv(ENV_BUILD_DIR, str(folder))
    return folder


def running_version(device: QemuDevice) -> int:
    """The module version the running image reports (its own prefix, read from flash)."""
    with ConsoleClient.open(device.console) as console:
        (image,) = console.inspect().modules
    assert image.validity_passed == image.validity_checked  # its CRC holds, in flash
    return image.version


def log_text(device: QemuDevice) -> str:
    return device.log_path.read_text("utf-8", errors="replace")


# --- booting the installed image ----------------------------------------------------------


def test_boots_the_installed_raw_image_and_keeps_it(
    qemu_device: StartQemu, module: Callable[[str], bytes], build_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "dev"
    state.mkdir()
    new = with_prefix(module("photon"), version=NEW_VERSION)
    (state / FIRMWARE_FILE).write_bytes(new)
    device = qemu_device(state=state, image=None, build=False)
    assert device.info["image"] == str(state / FIRMWARE_FILE)  # the raw .bin, by -kernel
    assert running_version(device) == NEW_VERSION
    device.stop()
    device.start()  # a power cycle
    assert running_version(device) == NEW_VERSION
    device.kill()
    device.restart()
    assert running_version(device) == NEW_VERSION
    assert (state / FIRMWARE_FILE).read_bytes() == new


def test_an_explicit_image_wins_over_the_installed_one(
    qemu_device: StartQemu, qemu_images: Callable[[str], Path], module: Callable[[str], bytes]
) -> None:
    device = qemu_device(start=False)
    device.state_dir.mkdir(parents=True)
    (device.state_dir / FIRMWARE_FILE).write_bytes(
        with_prefix(module("photon"), version=NEW_VERSION)
    )
    device.start()
    assert device.info["image"] == str(qemu_images("photon"))
    assert running_version(device) == parse_module(module("photon")).version


def test_a_damaged_installed_image_boots_the_build_instead(
    qemu_device: StartQemu, module: Callable[[str], bytes], build_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "dev"
    state.mkdir()
    damaged = bit_flipped(module("photon"), 0x2000)
    (state / FIRMWARE_FILE).write_bytes(damaged)
    device = qemu_device(state=state, image=None, build=False)
    elf = build_dir / ENVS["photon"] / "firmware.elf"
    assert device.info["image"] == str(elf)
    assert f"[bootloader] not booting {FIRMWARE_FILE}: CRC-32 mismatch" in log_text(device)
    assert (state / FIRMWARE_FILE).read_bytes() == damaged  # kept, for whoever looks into it


# --- the hand-over -------------------------------------------------------------------------


def hand_over_device(qemu_device: StartQemu) -> tuple[QemuDevice, int]:
    """A started Photon whose guest the test can end through a gdbstub on the port given."""
    port = free_port()
    return qemu_device(extra_args=gdb_arguments(port)), port


def test_hand_over_installs_and_starts_again_on_the_same_ports(
    qemu_device: StartQemu, module: Callable[[str], bytes]
) -> None:
    device, gdb_port = hand_over_device(qemu_device)
    before = device.info
    new = with_prefix(module("photon"), version=NEW_VERSION)
    (device.state_dir / OTA_FILE).write_bytes(block_padded(new))
    semihosting_exit(gdb_port, UPDATE_EXIT)
    assert device.wait_for_update(TIMEOUT)
    after = device.info
    assert device.running and after["pid"] != before["pid"]
    assert device.updates_installed == 1
    assert device.last_update is not None and device.last_update.installed
    assert after["image"] == str(device.state_dir / FIRMWARE_FILE)
    kept = ("console", "serial_url", "fixture", "softap", "device_id")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert (device.state_dir / FIRMWARE_FILE).read_bytes() == new
    assert running_version(device) == NEW_VERSION  # through the console symlink, re-pointed
    with ConsoleClient.open(device.serial_url) as console:
        assert console.identify().device_id == before["device_id"]
    assert f"[bootloader] installed update: {len(new)} bytes" in log_text(device)
    device.restart()  # the update stays: this device installed it
    assert running_version(device) == NEW_VERSION
    assert not device.wait_for_update(0.1)  # one hand-over, one restart to wait for


def test_a_refused_hand_over_keeps_the_old_image(
    qemu_device: StartQemu, qemu_images: Callable[[str], Path], module: Callable[[str], bytes]
) -> None:
    device, gdb_port = hand_over_device(qemu_device)
    (device.state_dir / OTA_FILE).write_bytes(block_padded(module("p1")))
    semihosting_exit(gdb_port, UPDATE_EXIT)
    assert device.wait_for_update(TIMEOUT)
    assert device.running and device.updates_installed == 0
    assert device.last_update is not None and not device.last_update.installed
    assert "platform 8 (p1), this device is 6" in device.last_update.reason
    assert device.info["image"] == str(qemu_images("photon"))
    assert not (device.state_dir / FIRMWARE_FILE).exists()
    assert "[bootloader] update not installed: platform 8 (p1)" in log_text(device)


def test_another_exit_status_is_no_hand_over(
    qemu_device: StartQemu, module: Callable[[str], bytes]
) -> None:
    device, gdb_port = hand_over_device(qemu_device)
    (device.state_dir / OTA_FILE).write_bytes(module("photon"))
    semihosting_exit(gdb_port, 85)
    assert device.wait(TIMEOUT) == 85
    assert not device.wait_for_update(1.0) and not device.running
    assert device.updates_installed == 0 and device.last_update is None
    assert not (device.state_dir / FIRMWARE_FILE).exists()


def test_a_stop_racing_the_hand_over_ends_stopped_and_installs_only_on_86(
    qemu_device: StartQemu, module: Callable[[str], bytes]
) -> None:
    new = with_prefix(module("photon"), version=NEW_VERSION)
    for attempt in range(3):  # the stop lands before, during or after QEMU's exit
        device, gdb_port = hand_over_device(qemu_device)
        (device.state_dir / OTA_FILE).write_bytes(new)
        pid = device.pid
        semihosting_exit(gdb_port, UPDATE_EXIT)
        time.sleep(attempt * 0.01)
        code = device.stop()
        assert not device.running and device.pid is not None
        time.sleep(0.3)  # a relaunch, were one to come, would have started by now
        assert not device.running and process_gone(device.pid) and process_gone(pid)
        installed = (device.state_dir / FIRMWARE_FILE).exists()
        assert device.updates_installed == int(installed)
        assert installed == (code == UPDATE_EXIT or device.pid != pid)


def test_a_stop_while_starting_again_ends_stopped(
    qemu_device: StartQemu, module: Callable[[str], bytes]
) -> None:
    device, gdb_port = hand_over_device(qemu_device)
    (device.state_dir / OTA_FILE).write_bytes(module("photon"))
    semihosting_exit(gdb_port, UPDATE_EXIT)
    deadline = time.monotonic() + TIMEOUT
    while device.updates_installed == 0:  # installed: the restart is under way or done
        assert time.monotonic() < deadline
        time.sleep(0.002)
    device.stop()
    time.sleep(0.3)
    assert not device.running and device.pid is not None and process_gone(device.pid)
    assert device.updates_installed == 1


def test_a_power_cut_installs_nothing(
    qemu_device: StartQemu, qemu_images: Callable[[str], Path], module: Callable[[str], bytes]
) -> None:
    device = qemu_device()
    (device.state_dir / OTA_FILE).write_bytes(with_prefix(module("photon"), version=NEW_VERSION))
    assert device.kill() not in (None, UPDATE_EXIT)
    device.restart()
    assert device.updates_installed == 0 and device.last_update is None
    assert not (device.state_dir / FIRMWARE_FILE).exists()
    assert device.info["image"] == str(qemu_images("photon"))
    assert "[bootloader]" not in log_text(device)


# --- end to end, with the guest's side -----------------------------------------------------


def test_an_update_over_ymodem_is_installed_and_booted(
    qemu_device: StartQemu, module: Callable[[str], bytes]
) -> None:
    device = qemu_device()
    new = with_prefix(module("photon"), version=NEW_VERSION)
    with SerialPort(device.console) as port:  # a fresh device listens: `f` starts YMODEM
        send_file(port, "firmware.bin", new, mode="particle")
    assert device.wait_for_update(TIMEOUT)
    assert device.updates_installed == 1 and device.returncode is None
    assert device.last_update is not None and device.last_update.size == len(new)
    assert (device.state_dir / FIRMWARE_FILE).read_bytes() == new
    assert running_version(device) == NEW_VERSION


def test_emulate_qemu_publishes_the_device_started_again_after_an_update(
    module: Callable[[str], bytes], build_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "dev"
    command = [str(HARKEN), "emulate", "qemu", "--state", str(state), "--json"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pids = []
    try:
        assert run.stdout is not None
        assert select.select([run.stdout], [], [], TIMEOUT)[0], "no ready line"
        first = json.loads(run.stdout.readline())
        pids.append(first["pid"])
        with SerialPort(first["console"]) as port:
            send_file(port, "firmware.bin", with_prefix(module("photon"), version=NEW_VERSION))
        assert select.select([run.stdout], [], [], TIMEOUT)[0], "no second ready line"
        again = json.loads(run.stdout.readline())
        pids.append(again["pid"])
        assert again["pid"] != first["pid"] and again["image"] == str(state / FIRMWARE_FILE)
        assert json.loads((state / "ready.json").read_text())["pid"] == again["pid"]
        run.send_signal(signal.SIGINT)
        assert run.wait(10) == 0
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(5)
    assert all(process_gone(pid) for pid in pids)
