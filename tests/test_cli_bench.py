"""``harken button`` and ``harken led`` against the native virtual device (the QEMU run of
the same tour is in tests/qemu/test_qemu_bench_cli.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench_tour import bench_tour
from harken.cli.bench_commands import duration_ms


def test_the_bench_tour_on_the_native_device(tmp_path: Path) -> None:
    bench_tour("native", tmp_path)


@pytest.mark.parametrize(
    ("text", "ms"), [("3s", 3000), ("3", 3000), ("3.5s", 3500), ("500ms", 500), (" 10.5 s ", 10500)]
)
def test_durations(text: str, ms: int) -> None:
    assert duration_ms(text) == ms


@pytest.mark.parametrize("text", ["", "s", "3 minutes", "-1s", "1e3"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        duration_ms(text)
