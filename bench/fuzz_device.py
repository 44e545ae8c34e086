"""Throughput of ``harken fuzz``: cases per second of each target on the native virtual
device (console over its pty, SoftAP over 127.0.0.1) and on the QEMU image.

    .venv/bin/python bench/fuzz_device.py [--seconds 15] [--seed 1] [--skip-qemu]

Every case includes its liveness and configuration checks; minimising and restarts after a
finding are not counted (a finding is printed, and makes the rate meaningless for that line).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from harken.fuzz.campaign import Campaign
from harken.fuzz.device import DutOptions, parse_dut
from harken.fuzz.runner import Limits

RUNS = (
    ("native", "softap"),
    ("native", "serial"),
    ("native", "ymodem"),
    ("qemu", "softap"),
    ("qemu", "serial"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-qemu", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harken-fuzz-bench-") as scratch:
        for dut, target in RUNS:
            if dut == "qemu" and args.skip_qemu:
                continue
            options = DutOptions(parse_dut(dut))
            limits = Limits(seconds=args.seconds)
            stats = Campaign(target, args.seed, options, Path(scratch) / "out", limits).run()
            found = f", {len(stats.findings)} findings" if stats.findings else ""
            print(
                f"fuzz {target:6} on {dut:6}  {stats.cases_per_second:6.1f} cases/s  "
                f"({stats.cases} cases in {stats.seconds:.1f} s, "
                f"{stats.recoveries} recoveries{found})",
                flush=True,
            )


if __name__ == "__main__":
    main()
