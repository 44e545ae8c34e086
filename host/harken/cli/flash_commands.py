"""``harken flash``: put a firmware module on a device.

``--serial [PORT] FILE``: YMODEM over the listening-mode console (flashing.md §3), as
particle-cli up to 3.19 did, then a check with ``s`` that the device restarted into the image.
Without PORT: the one Particle device on USB, else the emulated device started here.

``--dfu FILE``: over USB DFU with dfu-util, to the alt setting, address and ``:leave``
particle-cli would choose (flashing.md §4.5). A device in normal mode is switched to DFU first
(the 14400-baud trick) and picked again by its device id once it re-enumerates. ``--dry-run``
prints the plan and the exact dfu-util command without touching USB.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harken.cli.binary_commands import read_module_file
from harken.cli.output import emit, fail, to_jsonable
from harken.cli.serial_flash_command import run_serial_flash
from harken.errors import HarkenError
from harken.flash.dfu_plan import DfuPlan, DfuPlanError, dfu_util_command, plan_dfu
from harken.flash.dfu_session import (
    DfuProgress,
    DfuResult,
    ensure_dfu,
    locate_target,
    run_dfu_util,
)
from harken.protocol.module_binary import ModuleFormatError, ModuleImage, parse_module
from harken.protocol.platform import Platform


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``flash``."""
    flash = commands.add_parser("flash", help="write a firmware module to a device over USB")
    add_arguments(flash)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``flash``; sets the handler."""
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--dfu", type=Path, metavar="FILE", help="write FILE over USB DFU (dfu-util)")
    how.add_argument(
        "--serial",
        nargs="+",
        metavar="[PORT] FILE",
        help="send FILE over the serial console (YMODEM) of PORT (default: the one device)",
    )
    parser.add_argument(
        "--device-id", type=device_id, metavar="ID", help="the device's 24-hex-digit id"
    )
    parser.add_argument(
        "--factory", action="store_true", help="write a user part to the factory-reset slot"
    )
    leave = parser.add_mutually_exclusive_group()
    leave.add_argument(
        "--leave",
        dest="leave",
        action="store_const",
        const=True,
        default=None,
        help="leave DFU mode afterwards even when the CLI would not (default: user parts only)",
    )
    leave.add_argument(
        "--no-leave", dest="leave", action="store_const", const=False, help="stay in DFU mode"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan and dfu-util command; touch no USB"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="flash despite a bad CRC, another platform or an unusual start address",
    )
    parser.add_argument(
        "--ymodem",
        choices=("strict", "particle"),
        default="strict",
        help="serial: 1K blocks with CRCs (default), or particle-cli's exact framing",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="serial: do not wait for the restart and 's'"
    )
    parser.add_argument(
        "--reboot-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="serial: how long the device may take to come back with the image (default 60)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_flash)


def device_id(text: str) -> str:
    """A 24-hex-digit device id, lower-cased as devices report it over USB."""
    if not re.fullmatch(r"[0-9A-Fa-f]{24}", text):
        raise argparse.ArgumentTypeError(f"not a device id (24 hex digits): {text!r}")
    return text.lower()


def plan_payload(plan: DfuPlan, command: list[str]) -> dict[str, Any]:
    """JSON form of a plan and its command."""
    extra = {"usb_id": plan.usb_id, "dfuse_address": plan.dfuse_address}
    return {"plan": {**to_jsonable(plan), **extra}, "command": command}


def plan_lines(file: Path, plan: DfuPlan, command: list[str]) -> list[str]:
    """Readable form of a plan and its command."""
    lines = [f"{file}: {plan.description}"]
    lines += [f"  warning: {warning}" for warning in plan.warnings]
    return [*lines, f"  command: {shlex.join(command)}"]


class _ProgressPrinter:
    """dfu-util's progress bar as a few lines on stderr (stdout may carry the JSON)."""

    def __init__(self) -> None:
        self._last: tuple[str, int] | None = None

    def __call__(self, progress: DfuProgress) -> None:
        step = (progress.stage, progress.percent // 25)
        if step != self._last:
            self._last = step
            sys.stderr.write(f"{progress.stage}: {progress.percent}% ({progress.bytes} bytes)\n")
            sys.stderr.flush()


def run_flash(args: argparse.Namespace) -> int:
    if args.serial is not None:
        return run_serial_flash(args)
    file: Path = args.dfu
    try:
        image = parse_module(read_module_file(file))
    except ModuleFormatError as exc:
        return fail(f"{file}: not a valid module binary: {exc}")
    try:
        if args.dry_run:
            plan = _plan(image, args, None)
            command = dfu_util_command(plan, file, args.device_id)
            payload = {"file": str(file), "dry_run": True, **plan_payload(plan, command)}
            emit(args.json, payload, plan_lines(file, plan, command))
            return 0
        target = locate_target(args.device_id)
        plan = _plan(image, args, target.platform)
    except DfuPlanError as exc:
        return fail(f"{file}: {exc}")
    if not args.json:
        print(f"{file}: {plan.description}")
        for warning in plan.warnings:
            print(f"  warning: {warning}")
    if target.dfu is None:
        sys.stderr.write(f"switching {target.device_id or target.port} to DFU mode (14400 baud)\n")
    device = ensure_dfu(target)
    command = dfu_util_command(plan, file, device.device_id)
    result = run_dfu_util(command, on_progress=_ProgressPrinter())
    payload = {"file": str(file), "dry_run": False, "device_id": device.device_id}
    emit(
        args.json,
        {**payload, **plan_payload(plan, command), "result": to_jsonable(result)},
        _result_lines(plan, result),
    )
    return 0 if result.ok else fail(f"dfu-util failed (exit status {result.returncode})")


def _plan(image: ModuleImage, args: argparse.Namespace, target: Platform | None) -> DfuPlan:
    return plan_dfu(image, factory=args.factory, leave=args.leave, force=args.force, target=target)


def _result_lines(plan: DfuPlan, result: DfuResult) -> list[str]:
    lines = [f"  {error}" for error in result.errors]
    if not result.ok:
        return ["dfu-util reported:", *lines] if lines else []
    done = "written"
    if plan.leave:
        done += "; the device leaves DFU mode and restarts"
    else:
        done += "; the device stays in DFU mode"
    return [done]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m harken.cli.flash_commands …``: the command on its own, until it is wired
    into ``harken``'s parser."""
    parser = argparse.ArgumentParser(prog="harken flash", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (HarkenError, ValueError, OSError) as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
