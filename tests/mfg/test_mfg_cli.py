"""``harken mfg`` as a user runs it, in processes of its own: the README's example, a failing
limit, lookups and the CSV export, two stations on one database at once, and a station killed
mid-run."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from station_files import CUSTOMER_NET, replaced, station_toml

from harken.emulate.native import ENV_PROGRAM
from harken.emulate.ready_event import READY_FILE
from harken.mfg.unit_records import UnitRecords

SLOW_FACTORY_AP = "FactoryAP:wpa2_aes:factory-secret:6:-48:{join_ms}"
"""The reference AP with a join that takes a while: a run is surely mid-way during it."""


class Cli:
    def __init__(self, cwd: Path, program: Path) -> None:
        self.cwd = cwd
        self.env = {**os.environ, ENV_PROGRAM: str(program)}

    def command(self, *argv: str) -> list[str]:
        return [sys.executable, "-m", "harken.cli.main", *argv]

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*argv),
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *argv: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*argv),
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def cli(native_program: Path, tmp_path: Path) -> Cli:
    return Cli(tmp_path, native_program)


def test_the_readme_example_tests_a_unit_and_looks_it_up(cli: Cli, tmp_path: Path) -> None:
    init = cli.run("mfg", "init", "station.toml")
    assert init.returncode == 0, init.stderr
    test = cli.run(
        "mfg", "test", "--station", "station.toml", "--dut", "native", "--serial-number", "SN0001"
    )
    assert test.returncode == 0, test.stdout + test.stderr
    lines = test.stdout.splitlines()
    assert [line.split()[2] for line in lines[:-1]] == [
        "identify",
        "led",
        "button",
        "scan",
        "join",
        "rssi",
        "clear_credentials",
        "reboot",
    ]
    assert all(line.startswith("SN0001  PASS  ") for line in lines)
    assert "SN0001  PASS  scan" in test.stdout and "FactoryAP at -48 dBm (limit -70)" in test.stdout
    assert "factory-secret" not in test.stdout + test.stderr
    device_id = (tmp_path / ".harken/units/SN0001/identity.txt").read_text().split("device_id=")[1]
    device_id = device_id.split()[0]

    lookup = cli.run("mfg", "lookup", "SN0001", "--station", "station.toml")
    assert lookup.returncode == 0, lookup.stderr
    assert lookup.stdout.startswith(f"Serial number SN0001 ↔ device {device_id}")
    assert "Run 1  PASS  station-1" in lookup.stdout

    by_id = cli.run("mfg", "lookup", device_id, "--database", "units.db", "--json")
    unit = json.loads(by_id.stdout)
    assert unit["serial_number"] == "SN0001" and unit["device_id"] == device_id
    assert [s["name"] for s in unit["runs"][0]["steps"]][:2] == ["identify", "led"]
    assert unit["runs"][0]["passed"] is True


def test_a_limit_above_the_network_fails_that_step_and_records_the_failure(
    cli: Cli, tmp_path: Path
) -> None:
    station_toml(tmp_path, steps=replaced("rssi", min_rssi=-30))
    test = cli.run(
        "mfg", "test", "--station", "station.toml", "--dut", "native", "--serial-number", "SN0007"
    )
    assert test.returncode == 1
    assert "SN0007  FAIL  rssi" in test.stdout
    assert "RSSI -48 dBm on FactoryAP is below the limit -30 dBm" in test.stdout
    assert "clear_credentials" not in test.stdout  # stopped at the failing step
    lookup = cli.run("mfg", "lookup", "SN0007", "--station", "station.toml", "--json")
    (run,) = json.loads(lookup.stdout)["runs"]
    assert run["passed"] is False
    assert run["steps"][-1]["name"] == "rssi" and run["steps"][-1]["passed"] is False
    assert run["steps"][-1]["limit"] == "≥ -30 dBm"

    export = cli.run("mfg", "export", "--csv", "-", "--station", "station.toml")
    (row,) = list(csv.DictReader(io.StringIO(export.stdout)))
    assert (row["serial_number"], row["passed"], row["failed_step"]) == ("SN0007", "0", "rssi")
    assert "below the limit -30 dBm" in row["reason"]


def test_json_output_and_csv_export_to_a_file(cli: Cli, tmp_path: Path) -> None:
    station_toml(tmp_path)
    test = cli.run(
        "mfg",
        "test",
        "--station",
        "station.toml",
        "--dut",
        "native",
        "--serial-number",
        "A1",
        "--serial-number",
        "A2",
        "--json",
    )
    assert test.returncode == 0, test.stderr
    result = json.loads(test.stdout)
    assert result["passed"] is True
    assert [u["serial_number"] for u in result["units"]] == ["A1", "A2"]
    assert all(u["recorded"] and len(u["steps"]) == 8 for u in result["units"])
    assert "A1  PASS  identify" in test.stderr  # progress goes to stderr with --json
    export = cli.run("mfg", "export", "--csv", "runs.csv", "--station", "station.toml")
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader((tmp_path / "runs.csv").open(newline="")))
    assert sorted(r["serial_number"] for r in rows) == ["A1", "A2"]
    assert {r["passed"] for r in rows} == {"1"}


def test_bad_input_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    station_toml(tmp_path)
    cases = [
        (["mfg", "lookup", "SN404", "--station", "station.toml"], "no station database"),
        (["mfg", "test", "--station", "absent.toml", "--dut", "native", "--serial-number", "S"],
         "harken mfg init"),
        (["mfg", "test", "--station", "station.toml", "--dut", "serial:/dev/null",
          "--serial-number", "S"], "use the fixture"),
        (["mfg", "test", "--station", "station.toml", "--dut", "native", "--dut", "native",
          "--serial-number", "S"], "2 --dut"),
        (["mfg", "test", "--station", "station.toml", "--dut", "native",
          "--serial-number", "a b"], "serial number 'a b'"),
    ]  # fmt: skip
    for argv, message in cases:
        run = cli.run(*argv)
        assert run.returncode == 1 and message in run.stderr, (argv, run.stderr)
    assert not (tmp_path / ".harken").exists()
    assert cli.run("mfg", "init", "station.toml").returncode == 1  # kept, not overwritten


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float = 60) -> list[str]:
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no {text!r} in {seen}")


def test_two_stations_on_one_database_record_both_units(cli: Cli, tmp_path: Path) -> None:
    station_toml(tmp_path, networks=[SLOW_FACTORY_AP.format(join_ms=800), CUSTOMER_NET])
    stations = [
        cli.start("mfg", "test", "--station", "station.toml", "--dut", "native",
                  "--serial-number", sn, "--state-root", f"line-{sn}")
        for sn in ("SN0001", "SN0002")
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in stations]
    assert [p.returncode for p in stations] == [0, 0], outputs
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        assert records.count("units") == 2 and records.count("runs") == 2
        assert all(r.passed for r in records.all_runs())


def test_two_stations_binding_one_serial_number_to_two_devices_one_wins(
    cli: Cli, tmp_path: Path
) -> None:
    # Both identify while neither has recorded yet; the join keeps them busy for a while.
    station_toml(tmp_path, networks=[SLOW_FACTORY_AP.format(join_ms=3000), CUSTOMER_NET])
    stations = [
        cli.start("mfg", "test", "--station", "station.toml", "--dut", "native",
                  "--serial-number", "SN0001", "--state-root", line)
        for line in ("line-a", "line-b")
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in stations]
    codes = [p.returncode for p in stations]
    assert sorted(codes) == [0, 1], outputs
    loser_out, loser_err = outputs[codes.index(1)]
    assert "SN0001  FAIL  refused: serial number SN0001 is already bound to device" in loser_out
    # Both ran the whole sequence: the binding was settled by the commit, not the first check.
    assert "SN0001  PASS  reboot" in loser_out
    winner = codes.index(0)
    winner_id = (tmp_path / ("line-a", "line-b")[winner] / "SN0001" / "identity.txt").read_text()
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        unit = records.lookup("SN0001")
        assert unit is not None and f"device_id={unit.device_id}" in winner_id
        assert records.count("runs") == 1


def test_a_station_killed_mid_run_leaves_no_record_and_a_sound_database(
    cli: Cli, tmp_path: Path
) -> None:
    station_toml(tmp_path, networks=[SLOW_FACTORY_AP.format(join_ms=20000), CUSTOMER_NET])
    station = cli.start(
        "mfg", "test", "--station", "station.toml", "--dut", "native", "--serial-number", "SN9"
    )
    state = tmp_path / ".harken/units/SN9"
    try:
        _wait_for_line(station, "PASS  scan")  # now joining for 20 s
        time.sleep(0.3)
        station.send_signal(signal.SIGKILL)
        station.wait(10)
        again = cli.run(
            "mfg", "test", "--station", "station.toml", "--dut", "native", "--serial-number", "SN9"
        )
        assert again.returncode == 1
        assert "an emulated device is already running on" in again.stdout  # the orphan
    finally:
        if station.poll() is None:
            station.kill()
            station.wait()
        orphan = json.loads((state / READY_FILE).read_text())["pid"]  # the unit outlives it
        os.killpg(orphan, signal.SIGKILL)
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        assert records.count("units") == 0 and records.count("runs") == 0
        assert records.count("steps") == 0
        assert records.integrity_check() == "ok"
    raw = sqlite3.connect(tmp_path / "units.db")
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_station_stopped_mid_run_records_nothing_and_stops_its_unit(
    cli: Cli, tmp_path: Path, stop: signal.Signals
) -> None:
    station_toml(tmp_path, networks=[SLOW_FACTORY_AP.format(join_ms=20000), CUSTOMER_NET])
    station = cli.start(
        "mfg", "test", "--station", "station.toml", "--dut", "native", "--serial-number", "SN9"
    )
    try:
        _wait_for_line(station, "PASS  scan")  # now joining for 20 s
        station.send_signal(stop)
        out, err = station.communicate(timeout=15)  # the join under way is cut short
    finally:
        if station.poll() is None:
            station.kill()
            station.wait()
    assert station.returncode == 130, out + err
    assert "interrupted: stopping the units; runs not yet recorded are dropped" in out
    assert "SN9  FAIL  nothing recorded: interrupted" in out
    assert not (tmp_path / ".harken/units/SN9" / READY_FILE).exists()  # its unit is stopped
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        assert records.count("units") == 0 and records.count("runs") == 0
