"""``harken flash --serial [PORT] FILE``: the CLI side of :mod:`harken.flash.serial_flash`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harken.cli.binary_commands import read_module_file
from harken.cli.device_port import console_port
from harken.cli.output import emit, fail, to_jsonable
from harken.errors import HarkenError
from harken.flash.serial_flash import SerialFlashResult, flash_serial
from harken.flash.ymodem_sender import FlashError
from harken.protocol.module_binary import ModuleFormatError, parse_module
from harken.transport.discovery import DiscoveryError, find_device


class _Progress:
    """A line on stderr at every quarter of the file."""

    def __init__(self) -> None:
        self._quarter = -1

    def __call__(self, done: int, total: int) -> None:
        quarter = done * 4 // total if total else 4
        if quarter != self._quarter:
            self._quarter = quarter
            sys.stderr.write(f"sent {done} of {total} bytes\n")
            sys.stderr.flush()


def _reopen(url: str, device_id: str | None) -> str:
    """A board may come back from its reset on another port: find it by its id."""
    if device_id is None:
        return url
    try:
        return find_device(device_id).port
    except DiscoveryError:
        return url


def _lines(file: Path, result: SerialFlashResult) -> list[str]:
    t = result.transfer
    lines = [
        f"{file}: sent {t.size} bytes in {t.blocks} blocks, {t.seconds:.1f} s "
        f"({t.bytes_per_second / 1024:.1f} KiB/s, {t.resent} resent)",
        *(f"  device: {line}" for line in result.device_said.splitlines() if line.strip()),
    ]
    if result.verified:
        how = "its SHA-256" if result.verified_by == "sha256" else "module version"
        lines.append(
            f"the device restarted and runs the new image ({how} matches, "
            f"{result.reboot_seconds:.1f} s after the restart)"
        )
    return lines


def run_serial_flash(args: argparse.Namespace) -> int:
    """Handler of ``flash --serial``."""
    values: list[str] = args.serial
    if len(values) > 2:
        return fail("--serial takes [PORT] FILE")
    file = Path(values[-1])
    try:
        data = read_module_file(file)
        image = parse_module(data)
    except ModuleFormatError as exc:
        return fail(f"{file}: not a valid module binary: {exc}")
    try:
        url, found = console_port(values[0] if len(values) == 2 else None)
        device_id = found.device_id if found else None
        result = flash_serial(
            url,
            data,
            image,
            name=file.name,
            mode=args.ymodem,
            force=args.force,
            verify=not args.no_verify,
            progress=None if args.json else _Progress(),
            reopen=lambda: _reopen(url, device_id),
            reboot_timeout=args.reboot_timeout,
        )
    except FlashError as exc:
        said = f"\n  device: {exc.device_said}" if exc.device_said else ""
        return fail(f"{file}: {exc}{said}")
    except HarkenError as exc:
        return fail(f"{file}: {exc}")
    payload = {
        "file": str(file),
        "port": url,
        "size": result.transfer.size,
        "seconds": round(result.transfer.seconds, 3),
        "bytes_per_second": round(result.transfer.bytes_per_second),
        "resent": result.transfer.resent,
        "device_said": result.device_said,
        "verified": result.verified,
        "verified_by": result.verified_by or None,
        "after": to_jsonable(result.after) if result.after else None,
    }
    emit(args.json, payload, _lines(file, result))
    return 0
