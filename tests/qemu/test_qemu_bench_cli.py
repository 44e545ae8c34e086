"""``harken button`` and ``harken led`` against the QEMU device: the README's bench tour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench_tour import bench_tour
from conftest import BUILD_DIR
from harken.emulate.qemu import ENV_BUILD_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_tour_on_the_qemu_device(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    qemu_images("photon")  # built into BUILD_DIR, where the command looks
    bench_tour("qemu", tmp_path, {ENV_BUILD_DIR: str(ROOT / BUILD_DIR)})
