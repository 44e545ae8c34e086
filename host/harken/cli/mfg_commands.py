"""``harken mfg …``: the manufacturing station (protocol/station.md, protocol/test-mode.md).

``init`` writes an example station.toml, ``test`` runs its sequence on units (emulated or on
a test-pads UART) and records them, ``lookup`` and ``export`` read the records, ``batch`` runs
the customer's SoftAP set-up on a sample of passed units.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from harken.atomic_file import replace_file
from harken.cli.output import emit, fail
from harken.dut_choice import DutChoice, parse_dut
from harken.mfg.operator_prompt import OperatorPrompt
from harken.mfg.station_config import load_station
from harken.mfg.station_dut import DEFAULT_STATE_ROOT
from harken.mfg.station_example import write_example
from harken.mfg.unit_records import EXPORT_COLUMNS, UnitRecord, UnitRecords
from harken.softap.client import DEFAULT_HOST


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mfg`` and its sub-commands."""
    mfg = commands.add_parser("mfg", help="manufacturing station: test, record, look up units")
    sub = mfg.add_subparsers(dest="mfg_command", metavar="COMMAND", required=True)

    init = sub.add_parser("init", help="write an example station.toml (passes on emulated units)")
    init.add_argument("path", type=Path, metavar="PATH", help="where to write it")
    init.add_argument("--name", default="station-1", help="the station's name (station-1)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(handler=run_init)

    test = sub.add_parser("test", help="run the station's sequence on units and record them")
    test.add_argument("--station", type=Path, required=True, metavar="TOML", help="station.toml")
    test.add_argument(
        "--dut",
        type=parse_dut,
        action="append",
        required=True,
        metavar="DUT",
        help="native, qemu or serial:PORT (the test pads' UART); repeat with --serial-number "
        "to test units in parallel (one emulated kind serves every serial number)",
    )
    test.add_argument(
        "--serial-number",
        action="append",
        required=True,
        metavar="SN",
        help="the unit's serial number (repeatable, paired with --dut in order)",
    )
    _emulation_options(test)
    test.add_argument("--json", action="store_true", help="print the results as one JSON object")
    test.set_defaults(handler=run_test)

    lookup = sub.add_parser("lookup", help="a unit's binding and runs, by serial number or ID")
    lookup.add_argument("key", metavar="SN|DEVICE_ID", help="serial number or device ID")
    _database_options(lookup)
    lookup.add_argument("--json", action="store_true", help="print one JSON object")
    lookup.set_defaults(handler=run_lookup)

    export = sub.add_parser("export", help="every run as CSV, one row per run")
    export.add_argument(
        "--csv", required=True, metavar="FILE", help="where to write it ('-': standard output)"
    )
    _database_options(export)
    export.set_defaults(handler=run_export)

    batch = sub.add_parser(
        "batch", help="the customer's SoftAP set-up on N units whose latest run passed"
    )
    batch.add_argument("--station", type=Path, required=True, metavar="TOML", help="station.toml")
    batch.add_argument("--count", type=int, default=1, metavar="N", help="units to set up (1)")
    batch.add_argument(
        "--dut",
        type=parse_dut,
        default=DutChoice("native"),
        metavar="DUT",
        help="native (default) or qemu: the emulated units; serial:PORT: one real board "
        "over the laptop's Wi-Fi",
    )
    batch.add_argument(
        "--softap-host",
        default=DEFAULT_HOST,
        help=f"a real board's SoftAP address (default {DEFAULT_HOST})",
    )
    _emulation_options(batch)
    batch.add_argument("--json", action="store_true", help="print the results as one JSON object")
    batch.set_defaults(handler=run_batch)


def _emulation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-root",
        type=Path,
        default=DEFAULT_STATE_ROOT,
        metavar="DIR",
        help=f"emulated units' state folders, one per serial number (default {DEFAULT_STATE_ROOT})",
    )
    parser.add_argument(
        "--qemu-image", type=Path, metavar="ELF", help="the QEMU image (default: the build's)"
    )


def _database_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--station", type=Path, metavar="TOML", help="the station's database")
    where.add_argument("--database", type=Path, metavar="DB", help="a station database file")


def _database(args: argparse.Namespace) -> Path:
    if args.database is not None:
        return Path(args.database)
    return load_station(args.station).database


def _printer(to_stderr: bool) -> Callable[[str], None]:
    lock = threading.Lock()
    stream = sys.stderr if to_stderr else sys.stdout

    def show(line: str) -> None:
        with lock:
            stream.write(line + "\n")
            stream.flush()

    return show


# --- commands ---------------------------------------------------------------------------------


def run_init(args: argparse.Namespace) -> int:
    path = write_example(args.path, name=args.name, force=args.force)
    print(f"Wrote {path}: harken mfg test --station {path} --dut native --serial-number SN0001")
    return 0


def pair_units(duts: list[DutChoice], serials: list[str]) -> list[tuple[str, DutChoice]]:
    """--serial-number and --dut in order; one emulated --dut serves every serial number."""
    if len(duts) == 1 and len(serials) > 1 and duts[0].kind != "serial":
        duts = duts * len(serials)
    if len(duts) != len(serials):
        raise ValueError(
            f"{len(serials)} serial number(s) for {len(duts)} --dut: give one --dut per unit"
        )
    ports = [d.port for d in duts if d.kind == "serial"]
    if len(set(ports)) != len(ports):
        raise ValueError("two units on one serial port")
    return list(zip(serials, duts, strict=True))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the station as Ctrl-C does: no partial record, emulated units stopped."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_test(args: argparse.Namespace) -> int:
    from harken.mfg.station_run import Station  # loads the test-pads client only when needed

    config = load_station(args.station)
    units = pair_units(args.dut, args.serial_number)
    station = Station(
        config,
        printer=_printer(args.json),
        state_root=args.state_root,
        qemu_image=args.qemu_image,
        operator=OperatorPrompt() if any(d.kind == "serial" for _, d in units) else None,
    )
    with _sigterm_as_interrupt():
        results = station.run_all(units)
    passed = bool(results) and all(r.passed for r in results)
    if args.json:
        emit(True, {"passed": passed, "units": [r.as_dict() for r in results]}, [])
    return 0 if passed else 1


def run_lookup(args: argparse.Namespace) -> int:
    with UnitRecords(_database(args), create=False) as records:
        unit = records.lookup(args.key)
    if unit is None:
        return fail(f"no unit with serial number or device ID {args.key!r} in {records.path}")
    emit(args.json, unit_payload(unit), unit_lines(unit))
    return 0


def unit_payload(unit: UnitRecord) -> dict[str, Any]:
    return {
        "serial_number": unit.serial_number,
        "device_id": unit.device_id,
        "bound_at": unit.bound_at,
        "runs": [
            {
                "id": run.id,
                "station": run.station,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "passed": run.passed,
                "platform_id": run.platform_id,
                "product_id": run.product_id,
                "product_version": run.product_version,
                "system_version": run.system_version,
                "module_version": run.module_version,
                "image_sha256": run.image_sha256,
                "steps": [
                    {
                        "position": s.position,
                        "name": s.name,
                        "kind": s.kind,
                        "passed": s.passed,
                        "value": s.value,
                        "limit": s.limit,
                        "reason": s.reason,
                        "ms": s.ms,
                    }
                    for s in run.steps
                ],
            }
            for run in unit.runs
        ],
        "batch_runs": [
            {
                "id": b.id,
                "station": b.station,
                "started_at": b.started_at,
                "finished_at": b.finished_at,
                "passed": b.passed,
                "ssid": b.ssid,
                "reason": b.reason,
            }
            for b in unit.batch_runs
        ],
    }


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def unit_lines(unit: UnitRecord) -> list[str]:
    lines = [
        f"Serial number {unit.serial_number} ↔ device {unit.device_id} (bound {unit.bound_at})"
    ]
    for run in unit.runs:
        lines.append(
            f"Run {run.id}  {_verdict(run.passed)}  {run.station}  {run.started_at} → "
            f"{run.finished_at}  platform {run.platform_id} product {run.product_id} "
            f"v{run.product_version} system {run.system_version} module {run.module_version}"
        )
        for step in run.steps:
            limit = f"  [limit {step.limit}]" if step.limit else ""
            lines.append(
                f"    {_verdict(step.passed)}  {step.name:<17} {step.ms:>5} ms  "
                f"{step.reason}{limit}"
            )
    for batch in unit.batch_runs:
        lines.append(
            f"Batch {batch.id}  {_verdict(batch.passed)}  {batch.station}  {batch.started_at}  "
            f"{batch.ssid}: {batch.reason}"
        )
    return lines


def run_export(args: argparse.Namespace) -> int:
    with UnitRecords(_database(args), create=False) as records:
        rows = list(records.export_rows())
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if args.csv == "-":
        sys.stdout.write(text.getvalue())
        sys.stdout.flush()
    else:
        replace_file(Path(args.csv), text.getvalue().encode("utf-8"))
        sys.stderr.write(f"{len(rows)} run(s) written to {args.csv}\n")
    return 0


def run_batch(args: argparse.Namespace) -> int:
    from harken.mfg.batch_flow import Batch  # loads the SoftAP and test-pads clients

    config = load_station(args.station)
    batch = Batch(
        config,
        printer=_printer(args.json),
        state_root=args.state_root,
        qemu_image=args.qemu_image,
        softap_host=args.softap_host,
    )
    with _sigterm_as_interrupt():
        results = batch.run(args.count, args.dut)
    passed = bool(results) and all(r.passed for r in results)
    if args.json:
        sys.stdout.write(
            json.dumps({"passed": passed, "units": [r.as_dict() for r in results]}) + "\n"
        )
    return 0 if passed else 1
