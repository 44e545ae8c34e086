"""The station database: bindings, all-or-nothing runs, concurrent writers, lookups and the
export, on real SQLite files (and real processes for the concurrent and the killed writer)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from harken.mfg.run_result import RunResult, StepResult, UnitIdentity
from harken.mfg.unit_records import (
    BindingRefused,
    RecordsError,
    UnitRecords,
    now_text,
)

DEVICE_A = "0123456789abcdef01234567"
DEVICE_B = "fedcba9876543210fedcba98"


def identity(device_id: str = DEVICE_A) -> UnitIdentity:
    return UnitIdentity(device_id, 6, 6, 65535, "2.3.1+harken.0.1.0", 2302, None)


def run(sn: str, device_id: str = DEVICE_A, *, passed: bool = True) -> RunResult:
    result = RunResult(sn, "station-1", now_text(), identity=identity(device_id))
    result.steps = [
        StepResult("identify", "identify", True, "photon", "photon", "ok", 3),
        StepResult("rssi", "rssi", passed, "-48 dBm", "≥ -70 dBm", "why", 7),
    ]
    result.finished_at = now_text()
    return result


def test_a_run_binds_the_unit_and_is_read_back(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        run_id = records.record_run(run("SN1"))
        unit = records.lookup("SN1")
        assert unit is not None
        assert (unit.serial_number, unit.device_id) == ("SN1", DEVICE_A)
        assert [r.id for r in unit.runs] == [run_id]
        assert unit.runs[0].passed
        assert unit.runs[0].product_version == 65535
        assert [(s.position, s.name, s.value, s.limit) for s in unit.runs[0].steps] == [
            (1, "identify", "photon", "photon"),
            (2, "rssi", "-48 dBm", "≥ -70 dBm"),
        ]
        assert records.lookup(DEVICE_A.upper()) == unit  # by device ID too
        assert records.lookup("SN2") is None


def test_a_failed_run_is_recorded_as_failed_and_later_runs_add_up(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1", passed=False))
        records.record_run(run("SN1"))
        unit = records.lookup("SN1")
        assert unit is not None
        assert [r.passed for r in unit.runs] == [False, True]
        assert unit.runs[0].failed_step is not None
        assert unit.runs[0].failed_step.name == "rssi"
        assert records.count("units") == 1


def test_a_serial_number_bound_to_another_device_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1", DEVICE_A))
        with pytest.raises(BindingRefused, match=f"SN1 is already bound to device {DEVICE_A}"):
            records.check_binding("SN1", DEVICE_B)
        with pytest.raises(BindingRefused, match="already bound"):
            records.record_run(run("SN1", DEVICE_B))
        assert records.count("runs") == 1 and records.count("steps") == 2


def test_a_device_bound_to_another_serial_number_is_refused(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1", DEVICE_A))
        with pytest.raises(BindingRefused, match=f"device {DEVICE_A} is already bound to .*SN1"):
            records.record_run(run("SN2", DEVICE_A))
        assert records.lookup("SN2") is None
        assert records.count("runs") == 1


def test_passed_units_are_those_whose_latest_run_passed(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1", DEVICE_A))
        records.record_run(run("SN2", DEVICE_B))
        records.record_run(run("SN1", DEVICE_A, passed=False))  # SN1 failed its re-test
        assert records.passed_units(5) == [("SN2", DEVICE_B)]
        assert records.passed_units(0) == []


def test_export_rows_carry_the_failed_step_and_reason(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1", passed=False))
        records.record_run(run("SN1"))
        rows = list(records.export_rows())
    assert [(r["serial_number"], r["passed"], r["failed_step"], r["reason"]) for r in rows] == [
        ("SN1", 0, "rssi", "why"),
        ("SN1", 1, "", ""),
    ]


def test_batch_results_are_kept_with_the_unit(tmp_path: Path) -> None:
    with UnitRecords(tmp_path / "units.db") as records:
        records.record_run(run("SN1"))
        records.record_batch("SN1", DEVICE_A, "station-1", now_text(), True, "Home", "joined")
        unit = records.lookup("SN1")
    assert unit is not None
    assert [(b.passed, b.ssid, b.reason) for b in unit.batch_runs] == [(True, "Home", "joined")]


def test_the_file_is_in_wal_mode_and_a_missing_one_is_not_created_for_reading(
    tmp_path: Path,
) -> None:
    with pytest.raises(RecordsError, match="no station database"):
        UnitRecords(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()
    with UnitRecords(tmp_path / "units.db"):
        pass
    db = sqlite3.connect(tmp_path / "units.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "units.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(RecordsError, match="not a usable station database"):
        UnitRecords(path)
    assert path.read_bytes() == b"this is not sqlite" * 100  # left as it was


def test_two_threads_binding_one_serial_number_to_two_devices_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "units.db"
    UnitRecords(path).close()
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def bind(device_id: str) -> None:
        with UnitRecords(path) as records:
            records.check_binding("SN1", device_id)  # both pass: nobody bound it yet
            barrier.wait()
            try:
                records.record_run(run("SN1", device_id))
                outcomes[device_id] = "recorded"
            except BindingRefused as exc:
                outcomes[device_id] = str(exc)

    threads = [threading.Thread(target=bind, args=(d,)) for d in (DEVICE_A, DEVICE_B)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "recorded" for o in outcomes.values()) == [False, True]
    with UnitRecords(path) as records:
        unit = records.lookup("SN1")
        assert unit is not None and outcomes[unit.device_id] == "recorded"
        assert records.count("runs") == 1


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO units VALUES ('SN9', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'now')")
    print("holding", flush=True)
    time.sleep(60)
    """
)


def test_a_writer_killed_mid_transaction_leaves_nothing_and_a_sound_file(tmp_path: Path) -> None:
    path = tmp_path / "units.db"
    with UnitRecords(path) as records:
        records.record_run(run("SN1"))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with UnitRecords(path) as records:  # a reader is not held up by the writer (WAL)
            assert records.lookup("SN1") is not None
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    with UnitRecords(path) as records:
        assert records.lookup("SN9") is None
        assert records.integrity_check() == "ok"
        records.record_run(run("SN2", DEVICE_B))  # the lock went with the process
        assert records.count("units") == 2


def test_a_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    path = tmp_path / "units.db"
    UnitRecords(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    done = threading.Event()

    def write() -> None:
        with UnitRecords(path) as records:
            records.record_run(run("SN1"))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert not done.wait(0.5)  # blocked by the open transaction, not failed
        holder.execute("COMMIT")
        writer.join(10)
        assert done.is_set()
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


def test_reading_another_sqlite_file_is_refused_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "inventory.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE parts (name TEXT)")
    db.commit()
    db.close()
    before = other.read_bytes()
    with pytest.raises(RecordsError, match="not a station database"):
        UnitRecords(other, create=False)
    assert other.read_bytes() == before  # no tables added, not switched to WAL
    db = sqlite3.connect(other)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
