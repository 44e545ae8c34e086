"""Manufacturing station throughput: cycle time per unit and units per hour, on native virtual
devices and, with ``--qemu``, on the QEMU Photon: one at a time and four in parallel.

    .venv/bin/python bench/mfg_station.py [--rounds N] [--parallel N] [--qemu]

Each unit runs ``harken mfg init``'s example sequence (identify, LED white read by the
fixture, SETUP press, scan, join, RSSI, clear credentials, reboot) on a fresh emulated device
under a new serial number, recorded in a fresh database, exactly as ``harken mfg test`` does.

* cycle time: from starting the unit's device to its run being recorded and the device
  stopped, one unit at a time; the median of ``--rounds`` units. "in sequence" is the sum of
  the steps' own times (the rest is powering the unit up and down, entering test mode and the
  commit).
* units per hour: ``--rounds`` batches of ``--parallel`` units started together (one thread
  each), units over the total wall time.

The simulated join takes 200 ms (the wifi-env default) and the LED reading waits 150 ms for
the LED to settle: both are in the figures. Uses ``$HARKEN_NATIVE_PROGRAM`` and
``$HARKEN_QEMU_BUILD_DIR`` when set; otherwise builds what is missing in the checkout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from harken.dut_choice import DutChoice
from harken.emulate.qemu import build_qemu_image, image_path
from harken.mfg.station_config import load_station
from harken.mfg.station_example import write_example
from harken.mfg.station_run import Station


@dataclass
class Figures:
    label: str
    cycles: list[float] = field(default_factory=list)
    in_sequence: list[float] = field(default_factory=list)
    per_hour: dict[int, float] = field(default_factory=dict)


def make_station(folder: Path, qemu_image: Path | None) -> Station:
    config = load_station(write_example(folder / "station.toml"))
    return Station(
        config, printer=lambda _: None, state_root=folder / "units", qemu_image=qemu_image
    )


def cycle_times(figures: Figures, dut: DutChoice, rounds: int, qemu_image: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="mfg-bench-") as folder:
        station = make_station(Path(folder), qemu_image)
        for number in range(rounds):
            began = time.monotonic()
            result = station.run_unit(f"CY{number:04d}", dut)
            figures.cycles.append(time.monotonic() - began)
            if not result.passed:
                raise SystemExit(f"a unit failed: {result.summary}")
            figures.in_sequence.append(sum(s.ms for s in result.steps) / 1000)


def throughput(
    figures: Figures, dut: DutChoice, parallel: int, rounds: int, qemu_image: Path | None
) -> None:
    with tempfile.TemporaryDirectory(prefix="mfg-bench-") as folder:
        station = make_station(Path(folder), qemu_image)
        began = time.monotonic()
        for batch in range(rounds):
            units = [(f"P{parallel}-{batch:03d}-{i}", dut) for i in range(parallel)]
            failed = [r.summary for r in station.run_all(units) if not r.passed]
            if failed:
                raise SystemExit(f"units failed: {failed}")
        elapsed = time.monotonic() - began
    figures.per_hour[parallel] = parallel * rounds / elapsed * 3600


def report(all_figures: list[Figures]) -> None:
    print()
    print(f"{'DUT':<10} {'cycle s':>8} {'in sequence s':>14}   units per hour")
    for figures in all_figures:
        hourly = ", ".join(
            f"{rate:,.0f} ({parallel} in parallel)" for parallel, rate in figures.per_hour.items()
        )
        print(
            f"{figures.label:<10} {statistics.median(figures.cycles):8.2f}"
            f" {statistics.median(figures.in_sequence):14.2f}   {hourly}"
        )
    print("  (cycle: median per unit, one at a time; units per hour: over all rounds)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="units (or batches) per figure")
    parser.add_argument("--parallel", type=int, default=4, help="units at once (4)")
    parser.add_argument("--qemu", action="store_true", help="also the QEMU Photon")
    args = parser.parse_args()
    native = Figures("native")
    print(f"native virtual device: {args.rounds} units one at a time ...")
    cycle_times(native, DutChoice("native"), args.rounds, None)
    throughput(native, DutChoice("native"), 1, args.rounds, None)
    print(f"native virtual device: {args.rounds} batches of {args.parallel} ...")
    throughput(native, DutChoice("native"), args.parallel, args.rounds, None)
    figures = [native]
    if args.qemu:
        image = image_path("photon")
        if not image.is_file():
            image = build_qemu_image("photon")
        qemu = Figures("qemu")
        rounds = max(2, args.rounds // 2)
        print(f"QEMU Photon: {rounds} units one at a time ...")
        cycle_times(qemu, DutChoice("qemu"), rounds, image)
        throughput(qemu, DutChoice("qemu"), 1, rounds, image)
        print(f"QEMU Photon: {rounds} batches of {args.parallel} ...")
        throughput(qemu, DutChoice("qemu"), args.parallel, rounds, image)
        figures.append(qemu)
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
