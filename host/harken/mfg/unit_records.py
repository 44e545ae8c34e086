"""The station's SQLite database: which serial number is bound to which device ID, and every
finished run with its steps.

Several stations (processes, threads) share one file: WAL mode lets readers run beside a
writer, ``busy_timeout`` makes a writer wait its turn, and each finished run is written in one
``BEGIN IMMEDIATE`` transaction that also re-checks the binding, so two stations binding the
same serial number cannot both win and an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from harken.errors import HarkenError
from harken.mfg.run_result import RunResult

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    serial_number TEXT PRIMARY KEY,
    device_id     TEXT UNIQUE NOT NULL,
    bound_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY,
    serial_number   TEXT NOT NULL REFERENCES units(serial_number),
    device_id       TEXT NOT NULL,
    station         TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL,
    passed          INTEGER NOT NULL,
    platform_id     INTEGER,
    product_id      INTEGER,
    product_version INTEGER,
    system_version  TEXT,
    module_version  INTEGER,
    image_sha256    TEXT
);
CREATE INDEX IF NOT EXISTS runs_of_unit ON runs (serial_number, id);
CREATE TABLE IF NOT EXISTS steps (
    run_id     INTEGER NOT NULL REFERENCES runs(id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    passed     INTEGER NOT NULL,
    value      TEXT NOT NULL,
    limit_text TEXT NOT NULL,
    reason     TEXT NOT NULL,
    ms         INTEGER NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE TABLE IF NOT EXISTS batch_runs (
    id            INTEGER PRIMARY KEY,
    serial_number TEXT NOT NULL REFERENCES units(serial_number),
    device_id     TEXT NOT NULL,
    station       TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    passed        INTEGER NOT NULL,
    ssid          TEXT NOT NULL,
    reason        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batch_runs_of_unit ON batch_runs (serial_number, id);
"""
EXPORT_COLUMNS = (
    "run_id",
    "serial_number",
    "device_id",
    "station",
    "started_at",
    "finished_at",
    "passed",
    "platform_id",
    "product_id",
    "product_version",
    "system_version",
    "module_version",
    "image_sha256",
    "failed_step",
    "reason",
)


class RecordsError(HarkenError):
    """The database is missing, not a station database, or could not be written."""


class BindingRefused(HarkenError):
    """The serial number is bound to another device, or the device to another serial number."""


def now_text() -> str:
    """The time as the records keep it: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class StepRecord:
    position: int
    name: str
    kind: str
    passed: bool
    value: str
    limit: str
    reason: str
    ms: int


@dataclass(frozen=True)
class RunRecord:
    id: int
    serial_number: str
    device_id: str
    station: str
    started_at: str
    finished_at: str
    passed: bool
    platform_id: int | None
    product_id: int | None
    product_version: int | None
    system_version: str | None
    module_version: int | None
    image_sha256: str | None
    steps: tuple[StepRecord, ...] = ()

    @property
    def failed_step(self) -> StepRecord | None:
        return next((s for s in self.steps if not s.passed), None)


@dataclass(frozen=True)
class BatchRecord:
    id: int
    serial_number: str
    device_id: str
    station: str
    started_at: str
    finished_at: str
    passed: bool
    ssid: str
    reason: str


@dataclass(frozen=True)
class UnitRecord:
    serial_number: str
    device_id: str
    bound_at: str
    runs: tuple[RunRecord, ...] = ()
    batch_runs: tuple[BatchRecord, ...] = field(default_factory=tuple)


class UnitRecords:
    """One connection to the database (use one per thread). A context manager."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise RecordsError(f"no station database at {self.path}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: every write below opens its own BEGIN IMMEDIATE.
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except (OSError, sqlite3.Error) as exc:
            raise RecordsError(f"cannot open the station database {self.path}: {exc}") from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._prepare(create)
            self._db.execute("PRAGMA journal_mode = WAL")  # once the file is known to be ours
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise RecordsError(f"{self.path} is not a usable station database: {exc}") from None

    def _prepare(self, create: bool) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version == 0 and not create:  # a reader must not turn any SQLite file into ours
            self._db.close()
            raise RecordsError(f"{self.path} is not a station database (no harken schema)")
        if version not in (0, SCHEMA_VERSION):
            raise RecordsError(
                f"{self.path} has schema version {version}; this harken knows {SCHEMA_VERSION}"
            )
        with self._transaction():
            if self._db.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> UnitRecords:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    class _Transaction:
        def __init__(self, db: sqlite3.Connection) -> None:
            self._db = db

        def __enter__(self) -> None:
            self._db.execute("BEGIN IMMEDIATE")

        def __exit__(
            self,
            exc_type: type[BaseException] | None,
            exc: BaseException | None,
            tb: TracebackType | None,
        ) -> None:
            if exc_type is None:
                self._db.execute("COMMIT")
            else:
                self._db.execute("ROLLBACK")

    def _transaction(self) -> UnitRecords._Transaction:
        return UnitRecords._Transaction(self._db)

    def check_binding(self, serial_number: str, device_id: str) -> None:
        """:class:`BindingRefused` when ``serial_number`` is bound to another device or
        ``device_id`` to another serial number."""
        bound_device = self._db.execute(
            "SELECT device_id FROM units WHERE serial_number = ?", (serial_number,)
        ).fetchone()
        if bound_device is not None and bound_device[0] != device_id:
            raise BindingRefused(
                f"serial number {serial_number} is already bound to device {bound_device[0]}; "
                f"this unit is device {device_id}: refused, nothing recorded"
            )
        bound_serial = self._db.execute(
            "SELECT serial_number FROM units WHERE device_id = ?", (device_id,)
        ).fetchone()
        if bound_serial is not None and bound_serial[0] != serial_number:
            raise BindingRefused(
                f"device {device_id} is already bound to serial number {bound_serial[0]}, "
                f"not {serial_number}: refused, nothing recorded"
            )

    def record_run(self, run: RunResult) -> int:
        """Bind the unit (first run) and write the run with its steps, all or nothing; the
        run's id. :class:`BindingRefused` when a concurrent station bound either side first."""
        identity = run.identity
        if identity is None:
            raise RecordsError("a run without an identity cannot be recorded")
        try:
            with self._transaction():
                self.check_binding(run.serial_number, identity.device_id)
                self._db.execute(
                    "INSERT OR IGNORE INTO units (serial_number, device_id, bound_at) "
                    "VALUES (?, ?, ?)",
                    (run.serial_number, identity.device_id, run.finished_at or now_text()),
                )
                cursor = self._db.execute(
                    "INSERT INTO runs (serial_number, device_id, station, started_at, "
                    "finished_at, passed, platform_id, product_id, product_version, "
                    "system_version, module_version, image_sha256) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run.serial_number,
                        identity.device_id,
                        run.station,
                        run.started_at,
                        run.finished_at,
                        int(run.passed),
                        identity.platform_id,
                        identity.product_id,
                        identity.product_version,
                        identity.system_version,
                        identity.module_version,
                        identity.image_sha256,
                    ),
                )
                run_id = int(cursor.lastrowid or 0)
                self._db.executemany(
                    "INSERT INTO steps (run_id, position, name, kind, passed, value, "
                    "limit_text, reason, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (run_id, i, s.name, s.kind, int(s.passed), s.value, s.limit, s.reason, s.ms)
                        for i, s in enumerate(run.steps, 1)
                    ],
                )
        except sqlite3.Error as exc:
            raise RecordsError(f"cannot record the run in {self.path}: {exc}") from None
        return run_id

    def record_batch(
        self,
        serial_number: str,
        device_id: str,
        station: str,
        started_at: str,
        passed: bool,
        ssid: str,
        reason: str,
    ) -> int:
        """One unit's batch (SoftAP set-up) result; its id."""
        try:
            with self._transaction():
                cursor = self._db.execute(
                    "INSERT INTO batch_runs (serial_number, device_id, station, started_at, "
                    "finished_at, passed, ssid, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        serial_number,
                        device_id,
                        station,
                        started_at,
                        now_text(),
                        int(passed),
                        ssid,
                        reason,
                    ),
                )
        except sqlite3.Error as exc:
            raise RecordsError(f"cannot record the batch result in {self.path}: {exc}") from None
        return int(cursor.lastrowid or 0)

    # --- reading -------------------------------------------------------------------------

    def lookup(self, key: str) -> UnitRecord | None:
        """The unit with serial number ``key``, else with device ID ``key``; None if neither."""
        row = self._db.execute(
            "SELECT serial_number, device_id, bound_at FROM units WHERE serial_number = ?",
            (key,),
        ).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT serial_number, device_id, bound_at FROM units WHERE device_id = ?",
                (key.lower(),),
            ).fetchone()
        if row is None:
            return None
        serial_number, device_id, bound_at = row
        runs = tuple(self._runs("WHERE serial_number = ? ORDER BY id", (serial_number,)))
        batches = tuple(
            BatchRecord(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8])
            for r in self._db.execute(
                "SELECT id, serial_number, device_id, station, started_at, finished_at, passed, "
                "ssid, reason FROM batch_runs WHERE serial_number = ? ORDER BY id",
                (serial_number,),
            )
        )
        return UnitRecord(serial_number, device_id, bound_at, runs, batches)

    def _runs(self, where: str, args: tuple[Any, ...] = ()) -> Iterator[RunRecord]:
        rows = self._db.execute(
            "SELECT id, serial_number, device_id, station, started_at, finished_at, passed, "
            "platform_id, product_id, product_version, system_version, module_version, "
            f"image_sha256 FROM runs {where}",
            args,
        ).fetchall()
        for row in rows:
            steps = tuple(
                StepRecord(s[0], s[1], s[2], bool(s[3]), s[4], s[5], s[6], s[7])
                for s in self._db.execute(
                    "SELECT position, name, kind, passed, value, limit_text, reason, ms "
                    "FROM steps WHERE run_id = ? ORDER BY position",
                    (row[0],),
                )
            )
            yield RunRecord(*row[:6], bool(row[6]), *row[7:], steps=steps)

    def all_runs(self) -> Iterator[RunRecord]:
        """Every run, oldest first."""
        return self._runs("ORDER BY id")

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One row per run (:data:`EXPORT_COLUMNS`), oldest first."""
        for run in self.all_runs():
            failed = run.failed_step
            yield {
                "run_id": run.id,
                "serial_number": run.serial_number,
                "device_id": run.device_id,
                "station": run.station,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "passed": int(run.passed),
                "platform_id": run.platform_id,
                "product_id": run.product_id,
                "product_version": run.product_version,
                "system_version": run.system_version,
                "module_version": run.module_version,
                "image_sha256": run.image_sha256 or "",
                "failed_step": failed.name if failed else "",
                "reason": failed.reason if failed else "",
            }

    def passed_units(self, count: int) -> list[tuple[str, str]]:
        """Up to ``count`` (serial number, device ID) pairs whose latest run passed, the most
        recently tested first."""
        rows = self._db.execute(
            "SELECT r.serial_number, r.device_id FROM runs r "
            "JOIN (SELECT serial_number, MAX(id) AS last FROM runs GROUP BY serial_number) l "
            "ON r.id = l.last WHERE r.passed = 1 ORDER BY r.id DESC LIMIT ?",
            (count,),
        ).fetchall()
        return [(str(sn), str(device)) for sn, device in rows]

    def count(self, table: str) -> int:
        """Rows in ``units``, ``runs``, ``steps`` or ``batch_runs``."""
        if table not in ("units", "runs", "steps", "batch_runs"):
            raise ValueError(f"no table {table!r}")
        return int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: ``ok`` for a sound file."""
        return "; ".join(str(r[0]) for r in self._db.execute("PRAGMA integrity_check"))
