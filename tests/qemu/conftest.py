"""Fixtures of the QEMU device tests: the images, built once per session into a build folder
of their own (so a rebuild of the checkout cannot pull them away mid-run), and a factory of
started devices that stops each one afterwards and checks that its QEMU is gone."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from firmware_build import pio
from harken.emulate.qemu import ENVS, QemuDevice

BUILD_DIR = ".pio/build-qemu-tests"


def _build(platform: str, copy_dir: Path) -> Path:
    env = ENVS[platform]
    folder = Path(__file__).resolve().parents[2] / BUILD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:  # two test sessions at once build in turn
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = pio("run", "-e", env, build_dir=BUILD_DIR)
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        copy = copy_dir / f"{env}.elf"
        shutil.copy2(folder / env / "firmware.elf", copy)
        shutil.copy2(folder / env / "firmware.bin", copy.with_suffix(".bin"))
    return copy


@pytest.fixture(scope="session")
def qemu_images(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``qemu_images(platform)``: that platform's image (an ELF; its sealed module, the
    ``firmware.bin`` of the same build, lies next to it as ``.bin``), built on first use."""
    copy_dir = tmp_path_factory.mktemp("qemu-images")
    images: dict[str, Path] = {}

    def image(platform: str) -> Path:
        if platform not in images:
            images[platform] = _build(platform, copy_dir)
        return images[platform]

    return image


StartQemu = Callable[..., QemuDevice]


def process_gone(pid: int) -> bool:
    """Whether no process has ``pid`` any more (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[-1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.fixture
def qemu_device(qemu_images: Callable[[str], Path], tmp_path: Path) -> Iterator[StartQemu]:
    """Factory: ``qemu_device(platform="photon", state=None, start=True, **QemuDevice kwargs)``
    (the state folder defaults to a fresh one under ``tmp_path``; ``image`` to the session's)."""
    started: list[QemuDevice] = []
    counter = iter(range(1_000_000))

    def start(
        platform: str = "photon", *, state: Path | None = None, start: bool = True, **kwargs: object
    ) -> QemuDevice:
        state = state or tmp_path / f"qemu-{next(counter)}"
        kwargs = {"image": qemu_images(platform), **kwargs}
        device = QemuDevice(state, platform, **kwargs)
        started.append(device)
        if start:
            device.start()
        return device

    try:
        yield start
    finally:
        pids = [d.pid for d in started if d.pid is not None]
        for device in started:
            try:
                device.stop(timeout=2.0)
            except Exception:  # noqa: BLE001 - a failing stop must not leave QEMU behind
                device.kill()
        stragglers = [pid for pid in pids if not process_gone(pid)]
        for pid in stragglers:
            os.kill(pid, 9)
        assert not stragglers, f"QEMU processes left running: {stragglers}"
