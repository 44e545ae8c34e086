"""``harken mfg batch``: the customer's SoftAP set-up, end to end, on units that passed the
station, each a real native device started on its kept state folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from station_files import replaced, station_toml

from harken.dut_choice import DutChoice
from harken.emulate.native import ENV_PROGRAM, seed_identity
from harken.mfg.batch_flow import Batch, BatchError
from harken.mfg.station_config import load_station
from harken.mfg.station_run import Station
from harken.mfg.unit_records import UnitRecords

NATIVE = DutChoice("native")


def station_passed(
    tmp_path: Path, program: Path, serials: list[str], **toml: object
) -> tuple[Path, Path]:
    """Run the station on ``serials``; the station file and the state root."""
    path = station_toml(tmp_path, **toml)  # type: ignore[arg-type]
    root = tmp_path / "units"
    station = Station(load_station(path), printer=lambda _: None, state_root=root, program=program)
    for result in station.run_all([(sn, NATIVE) for sn in serials]):
        assert result.passed, result.summary
    return path, root


def test_two_passed_units_are_set_up_over_softap_and_the_results_recorded(
    native_program: Path, tmp_path: Path
) -> None:
    path, root = station_passed(tmp_path, native_program, ["SN1", "SN2"])
    lines: list[str] = []
    batch = Batch(load_station(path), printer=lines.append, state_root=root, program=native_program)
    results = batch.run(2, NATIVE)
    assert sorted(r.serial_number for r in results) == ["SN1", "SN2"]
    assert all(r.passed for r in results), lines
    assert all("the device joined 'CustomerNet'" in r.reason for r in results)
    assert all(line.split()[1] == "PASS" for line in lines)
    assert "customer-secret" not in "\n".join(lines) and "CLAIM0123" not in "\n".join(lines)
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        assert records.count("batch_runs") == 2
        unit = records.lookup("SN1")
        assert unit is not None and unit.batch_runs[0].passed
        assert unit.batch_runs[0].ssid == "CustomerNet"
    # Each unit went back to its factory state: sampled again, it sets up again.
    assert all(r.passed for r in batch.run(2, NATIVE))


def test_a_unit_whose_device_id_is_not_the_bound_one_fails(
    native_program: Path, tmp_path: Path
) -> None:
    path, root = station_passed(tmp_path, native_program, ["SN1"])
    seed_identity(root / "SN1", device_id="00112233445566778899aabb")  # another board
    batch = Batch(
        load_station(path), printer=lambda _: None, state_root=root, program=native_program
    )
    (result,) = batch.run(1, NATIVE)
    assert not result.passed
    assert "the SoftAP reports device 00112233445566778899aabb, but the unit is bound to" in (
        result.reason
    )
    with UnitRecords(tmp_path / "units.db", create=False) as records:
        unit = records.lookup("SN1")
        assert unit is not None and not unit.batch_runs[0].passed


def test_a_customer_network_the_unit_cannot_join_fails_the_unit(
    native_program: Path, tmp_path: Path
) -> None:
    path, root = station_passed(tmp_path, native_program, ["SN1"])
    station_toml(tmp_path, batch={"ssid": "CustomerNet", "password": "not-the-password"})
    batch = Batch(
        load_station(path), printer=lambda _: None, state_root=root, program=native_program
    )
    (result,) = batch.run(1, NATIVE)
    assert not result.passed and "wrong password for 'CustomerNet'" in result.reason
    assert "not-the-password" not in result.reason


def test_only_units_whose_latest_run_passed_are_sampled(
    native_program: Path, tmp_path: Path
) -> None:
    path, root = station_passed(tmp_path, native_program, ["SN1", "SN2"])
    failing = station_toml(tmp_path, steps=replaced("rssi", min_rssi=-20), file_name="strict.toml")
    station = Station(
        load_station(failing), printer=lambda _: None, state_root=root, program=native_program
    )
    assert not station.run_unit("SN2", NATIVE).passed  # SN2 failed its re-test
    batch = Batch(
        load_station(path), printer=lambda _: None, state_root=root, program=native_program
    )
    with pytest.raises(BatchError, match="1 unit\\(s\\) whose latest run passed .*; 2 asked"):
        batch.run(2, NATIVE)
    assert [r.serial_number for r in batch.run(1, NATIVE)] == ["SN1"]


def test_the_batch_command(native_program: Path, tmp_path: Path) -> None:
    station_passed(tmp_path, native_program, ["SN1", "SN2"])
    os.rename(tmp_path / "units", tmp_path / "line")
    run = subprocess.run(
        [sys.executable, "-m", "harken.cli.main", "mfg", "batch", "--station", "station.toml",
         "--count", "2", "--state-root", "line", "--json"],
        cwd=tmp_path,
        env={**os.environ, ENV_PROGRAM: str(native_program)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["passed"] is True and len(result["units"]) == 2
    assert "SN1  PASS  softap-setup" in run.stderr
    no_batch = station_toml(tmp_path, batch=None, file_name="plain.toml")
    run = subprocess.run(
        [sys.executable, "-m", "harken.cli.main", "mfg", "batch", "--station", str(no_batch)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1 and "add a [batch] table" in run.stderr
