"""``harken fuzz softap|serial|ymodem --dut …`` and ``harken fuzz replay FILE --dut …``."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from harken.cli.output import emit
from harken.dut_choice import parse_dut
from harken.fuzz.campaign import Campaign, replay_reproducer
from harken.fuzz.case import TARGETS
from harken.fuzz.device import DutOptions
from harken.fuzz.reproducer import load_reproducer
from harken.fuzz.runner import Limits, RunStats
from harken.protocol.platform import PLATFORMS
from harken.protocol.softap.framing import DEFAULT_TCP_PORT
from harken.protocol.softap.http_framing import DEFAULT_HTTP_PORT

DEFAULT_SECONDS = 60.0
DEFAULT_OUT = Path("fuzz-findings")


def add_parser(commands: argparse._SubParsersAction) -> None:
    device = argparse.ArgumentParser(add_help=False)
    device.add_argument(
        "--dut", type=parse_dut, default=parse_dut("native"), metavar="DUT",
        help="native (the virtual device, default), qemu (the Cortex-M3 image) or "
        "serial:PORT (a board; its SoftAP at --softap-host)",
    )  # fmt: skip
    device.add_argument("--platform", choices=[p.name for p in PLATFORMS], default="photon")
    device.add_argument(
        "--state", type=Path, metavar="DIR",
        help="emulated device's state folder (default: a temporary one)",
    )  # fmt: skip
    device.add_argument("--program", type=Path, metavar="PATH",
                        help="native program to run (e.g. a sanitizer build)")  # fmt: skip
    device.add_argument("--image", type=Path, metavar="PATH", help="QEMU image to run")
    device.add_argument("--softap-host", metavar="HOST",
                        help="a board's SoftAP address, e.g. 192.168.0.1")  # fmt: skip
    device.add_argument("--softap-port", type=int, default=DEFAULT_TCP_PORT, metavar="N")
    device.add_argument("--http-port", type=int, default=DEFAULT_HTTP_PORT, metavar="N")
    device.add_argument("--json", action="store_true", help="print JSON")

    fuzz = commands.add_parser("fuzz", help="fuzz a device's SoftAP, console or YMODEM receiver")
    sub = fuzz.add_subparsers(dest="target", metavar="TARGET", required=True)
    for target in TARGETS:
        run = sub.add_parser(target, parents=[device], help=f"fuzz the {target} protocol")
        run.add_argument(
            "--seconds", type=float,
            help=f"fuzz this long (default {DEFAULT_SECONDS:.0f} s unless --cases is given)",
        )  # fmt: skip
        run.add_argument("--cases", type=int, help="stop after this many cases")
        run.add_argument("--seed", type=int, help="the run's seed (default: a random one)")
        run.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                         help=f"where reproducers go (default: {DEFAULT_OUT})")  # fmt: skip
        run.add_argument("--stop", action="store_true", help="stop at the first finding")
        run.set_defaults(handler=run_fuzz)
    again = sub.add_parser("replay", parents=[device], help="re-run a saved reproducer")
    again.add_argument("file", type=Path, metavar="FILE")
    again.set_defaults(handler=run_replay)


def _options(args: argparse.Namespace) -> DutOptions:
    return DutOptions(
        dut=args.dut,
        platform=args.platform,
        state_dir=args.state,
        program=args.program,
        image=args.image,
        softap_host=args.softap_host,
        softap_port=args.softap_port,
        http_port=args.http_port,
    )


def _progress(stats: RunStats) -> None:
    if stats.cases % 100 == 0:
        sys.stderr.write(
            f"{stats.cases} cases, {stats.cases_per_second:.1f}/s, {len(stats.findings)} findings\n"
        )
        sys.stderr.flush()


def run_fuzz(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    seconds = args.seconds if args.seconds is not None or args.cases else DEFAULT_SECONDS
    campaign = Campaign(
        args.target, seed, _options(args), args.out, Limits(args.cases, seconds, args.stop)
    )
    stats = campaign.run(None if args.json else _progress)
    payload = {
        "target": stats.target,
        "dut": str(args.dut),
        "seed": seed,
        "cases": stats.cases,
        "seconds": round(stats.seconds, 3),
        "cases_per_second": round(stats.cases_per_second, 2),
        "recoveries": stats.recoveries,
        "findings": stats.findings,
    }
    lines = [
        f"fuzz {stats.target} on {args.dut} {args.platform}, seed {seed}",
        f"{stats.cases} cases in {stats.seconds:.1f} s: {stats.cases_per_second:.1f} cases/s, "
        f"{len(stats.findings)} findings ({stats.recoveries} recoveries into listening mode)",
    ]
    for found in stats.findings:
        how = (
            f"minimised to {found.messages} messages"
            if found.reproduced
            else "did not reproduce alone; saved as sent"
        )
        lines.append(f"  case {found.case}: {found.kind}: {found.detail}")
        lines.append(f"    {found.path} ({how})")
    emit(args.json, payload, lines)
    return 1 if stats.findings else 0


def run_replay(args: argparse.Namespace) -> int:
    reproducer = load_reproducer(args.file)
    finding = replay_reproducer(reproducer, _options(args))
    payload = {
        "file": str(args.file),
        "target": reproducer.target,
        "messages": len(reproducer.messages),
        "expected": reproducer.kind,
        "finding": finding,
    }
    head = f"replayed {len(reproducer.messages)} {reproducer.target} messages on {args.dut}"
    if finding is None:
        lines = [head, f"no finding (the saved one was {reproducer.kind}: {reproducer.detail})"]
    else:
        lines = [head, f"finding: {finding.kind}: {finding.detail}"]
    emit(args.json, payload, lines)
    return 1 if finding is not None else 0
