"""The station runner on real native devices: a full run, each limit failing, a unit that
stops answering, a silent one, a refused binding, and several units at once."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from station_files import FULL_SEQUENCE, replaced, station_toml

from harken.dut_choice import DutChoice
from harken.emulate.native import read_identity
from harken.fixture.client import FixtureClient
from harken.mfg.operator_prompt import OperatorPrompt
from harken.mfg.run_result import RunResult, StepResult
from harken.mfg.station_config import load_station
from harken.mfg.station_dut import StationDut
from harken.mfg.station_run import Station, step_line
from harken.mfg.unit_records import UnitRecords

NATIVE = DutChoice("native")


class Lines(list[str]):
    def __call__(self, line: str) -> None:
        self.append(line)


MakeStation = Callable[..., tuple[Station, Lines]]


@pytest.fixture
def make_station(native_program: Path, tmp_path: Path) -> MakeStation:
    def make(
        *, state_root: Path | None = None, folder: Path | None = None, **toml: Any
    ) -> tuple[Station, Lines]:
        config = load_station(station_toml(folder or tmp_path, **toml))
        lines = Lines()
        station = Station(
            config,
            printer=lines,
            state_root=state_root or tmp_path / "units",
            program=native_program,
            reply_timeout=0.5,
            enter_timeout=3.0,
        )
        return station, lines

    return make


def records(station: Station) -> UnitRecords:
    return UnitRecords(station.config.database, create=False)


def step(result: RunResult, name: str) -> StepResult:
    return next(s for s in result.steps if s.name == name)


def test_a_full_run_passes_and_binds_the_serial_number_to_the_device(
    make_station: MakeStation, tmp_path: Path
) -> None:
    station, lines = make_station()
    result = station.run_unit("SN0001", NATIVE)
    assert result.passed, lines
    assert [s.name for s in result.steps] == [s["kind"] for s in FULL_SEQUENCE]
    device_id = read_identity(tmp_path / "units" / "SN0001")["device_id"]
    assert result.identity is not None and result.identity.device_id == device_id
    assert step(result, "scan").reason == "FactoryAP at -48 dBm (limit -70)"
    assert step(result, "rssi").value == "-48 dBm"
    assert step(result, "led").value.startswith("(1.00, 1.00, 1.00)")
    assert lines[:-1] == [step_line("SN0001", s) for s in result.steps]
    assert lines[-1].startswith("SN0001  PASS  unit passed; recorded as run ")
    with records(station) as db:
        unit = db.lookup("SN0001")
        assert unit is not None and unit.device_id == device_id
        (run,) = unit.runs
        assert run.passed and run.id == result.recorded_id
        assert (run.platform_id, run.product_id, run.product_version) == (6, 6, 65535)
        assert [s.name for s in run.steps] == [s.name for s in result.steps]
    # the unit is kept for later (batch): stopped, its state folder still there
    assert not (tmp_path / "units" / "SN0001" / "ready.json").exists()


LIMITS = [
    pytest.param(
        {"steps": replaced("rssi", min_rssi=-40)},
        "rssi",
        "RSSI -48 dBm on FactoryAP is below the limit -40 dBm",
        id="rssi",
    ),
    pytest.param(
        {"steps": replaced("scan", min_rssi=-40)},
        "scan",
        "FactoryAP at -48 dBm is below the limit -40 dBm",
        id="scan-rssi",
    ),
    pytest.param(
        {"steps": replaced("scan", ssid="ReferenceAP")},
        "scan",
        "ReferenceAP not seen",
        id="scan-missing",
    ),
    pytest.param(
        {"steps": replaced("led", color="red", expect="white")},
        "led",
        "LED read (1.00, 0.00, 0.00) for expected white (1.00, 1.00, 1.00): off by 1.00 > 0.15",
        id="led",
    ),
    pytest.param(
        {"steps": replaced("led", color=[255, 128, 0], expect=[255, 255, 0], tolerance=0.3)},
        "led",
        "off by 0.50 > 0.30",
        id="led-tolerance",
    ),
    pytest.param(
        {"expect": {"product_id": 1234}},
        "identify",
        "product ID 6, expected 1234",
        id="product-id",
    ),
    pytest.param(
        {"expect": {"product_version": 3}},
        "identify",
        "product version 65535, expected 3",
        id="product-version",
    ),
    pytest.param(
        {"expect": {"system_version": "2.4.0"}},
        "identify",
        "system version 2.3.1+harken.0.1.0, expected 2.4.0",
        id="system-version",
    ),
    pytest.param(
        {"expect": {"module_version": 1}},
        "identify",
        "module version 2302, expected 1",
        id="module-version",
    ),
    pytest.param(
        {"steps": replaced("join", password="wrong-secret")},
        "join",
        "joining FactoryAP failed: join_wrong_password",
        id="join",
    ),
]


@pytest.mark.parametrize(("toml", "failing", "reason"), LIMITS)
def test_each_limit_fails_its_step_with_a_reason_and_the_failure_is_recorded(
    make_station: MakeStation, toml: dict[str, Any], failing: str, reason: str
) -> None:
    station, lines = make_station(**toml)
    result = station.run_unit("SN0001", NATIVE)
    assert not result.passed
    failed = result.first_failure
    assert failed is not None and failed.name == failing
    assert reason in failed.reason
    assert result.steps[-1] is failed  # stop_on_fail: the run ends at the failing step
    assert any(f"FAIL  {failing}" in line and reason in line for line in lines)
    assert "secret" not in "\n".join(lines)
    with records(station) as db:
        unit = db.lookup("SN0001")
        assert unit is not None
        (run,) = unit.runs
        assert not run.passed
        assert run.failed_step is not None and run.failed_step.name == failing
        assert reason in run.failed_step.reason


def test_without_stop_on_fail_every_step_runs(make_station: MakeStation) -> None:
    station, _ = make_station(steps=replaced("scan", min_rssi=-40), stop_on_fail=False)
    result = station.run_unit("SN0001", NATIVE)
    assert [s.passed for s in result.steps] == [True, True, True, False, True, True, True, True]
    assert not result.passed and result.recorded_id is not None


def test_a_wrong_platform_on_the_test_pads_fails_identify(
    make_station: MakeStation, native_device: Callable[..., Any]
) -> None:
    # A real board on the pads is whatever it is: a Photon where a P1 is expected.
    device = native_device("photon")
    station, _ = make_station(
        steps=[step for step in FULL_SEQUENCE if step["kind"] not in ("led", "button")],
        expect={"platform": "p1", "product_id": 8},
    )
    result = station.run_unit("SN0001", DutChoice("serial", device.test_pads))
    assert result.first_failure is not None
    assert result.first_failure.reason == (
        "platform photon (6), expected p1 (8); product ID 6, expected 8"
    )
    assert result.recorded_id is not None
    assert result.identity is not None
    assert result.identity.device_id == device.info["device_id"]


def test_a_unit_that_stops_answering_mid_run_fails_and_is_recorded(
    make_station: MakeStation,
) -> None:
    station, lines = make_station()

    def pause(done: StepResult, dut: StationDut) -> None:
        assert dut.pid is not None
        if done.name == "identify":
            os.kill(dut.pid, signal.SIGSTOP)  # the unit hangs right after it identified
        elif done.name == "led":
            os.kill(dut.pid, signal.SIGCONT)

    station.after_step = pause
    result = station.run_unit("SN0001", NATIVE)
    assert [s.passed for s in result.steps] == [True, False]
    silent = re.fullmatch(
        r"unit stopped answering during led \(no reply in (\d+\.\d) s\)", result.steps[1].reason
    )
    assert silent is not None, result.steps[1].reason
    assert float(silent[1]) >= 1.5  # three tries of 0.5 s
    assert result.recorded_id is not None
    with records(station) as db:
        unit = db.lookup("SN0001")
        assert unit is not None and not unit.runs[0].passed
        assert unit.runs[0].failed_step is not None
        assert "stopped answering" in unit.runs[0].failed_step.reason


def test_a_unit_silent_from_the_start_records_nothing(
    make_station: MakeStation, tmp_path: Path
) -> None:
    master, slave = os.openpty()  # test pads with nothing behind them
    try:
        station, lines = make_station(steps=[{"kind": "identify"}])
        result = station.run_unit("SN0001", DutChoice("serial", os.ttyname(slave)))
    finally:
        os.close(master)
        os.close(slave)
    assert not result.passed and result.recorded_id is None
    assert result.error is not None and "did not answer the test-mode preamble" in result.error
    assert lines == [f"SN0001  FAIL  nothing recorded: {result.error}"]
    with records(station) as db:
        assert db.count("units") == 0 and db.count("runs") == 0


def test_a_serial_number_bound_to_another_device_is_refused(
    make_station: MakeStation, tmp_path: Path
) -> None:
    station, _ = make_station(state_root=tmp_path / "line-a")
    assert station.run_unit("SN0001", NATIVE).passed
    first = read_identity(tmp_path / "line-a" / "SN0001")["device_id"]
    # Another unit (its own state: another device ID) labelled with the same serial number.
    other, lines = make_station(state_root=tmp_path / "line-b")
    result = other.run_unit("SN0001", NATIVE)
    assert result.refused is not None and result.recorded_id is None
    assert f"SN0001 is already bound to device {first}" in result.refused
    assert [s.name for s in result.steps] == ["identify"]  # refused right after identify
    assert lines[-1] == f"SN0001  FAIL  refused: {result.refused}"
    with records(station) as db:
        assert db.count("runs") == 1


def test_a_device_bound_to_another_serial_number_is_refused(
    make_station: MakeStation, tmp_path: Path
) -> None:
    station, _ = make_station()
    assert station.run_unit("SN0001", NATIVE).passed
    units = tmp_path / "units"
    (units / "SN0002").mkdir()
    shutil.copy(units / "SN0001" / "identity.txt", units / "SN0002" / "identity.txt")
    result = station.run_unit("SN0002", NATIVE)  # the same device, relabelled
    assert result.refused is not None and "already bound to serial number SN0001" in (
        result.refused
    )
    with records(station) as db:
        assert db.lookup("SN0002") is None and db.count("runs") == 1


def test_several_units_run_in_parallel_each_recorded(make_station: MakeStation) -> None:
    station, lines = make_station()
    serials = ["SN0001", "SN0002", "SN0003"]
    results = station.run_all([(sn, NATIVE) for sn in serials])
    assert [r.serial_number for r in results] == serials
    assert all(r.passed for r in results), lines
    assert len({r.identity.device_id for r in results if r.identity}) == 3
    for sn in serials:
        assert sum(line.startswith(f"{sn}  ") for line in lines) == len(FULL_SEQUENCE) + 1
    with records(station) as db:
        assert db.count("units") == 3 and db.count("runs") == 3


def test_a_serial_number_given_twice_is_refused_before_anything_starts(
    make_station: MakeStation, tmp_path: Path
) -> None:
    station, _ = make_station()
    with pytest.raises(ValueError, match="same serial number"):
        station.run_all([("SN1", NATIVE), ("SN1", NATIVE)])
    with pytest.raises(ValueError, match="serial number '../x'"):
        station.run_all([("../x", NATIVE)])
    assert not (tmp_path / "units").exists()


class Operator:
    """The person at the station: answers from a script, and presses SETUP (through the
    unit's fixture) when asked to."""

    def __init__(self, answers: str, press: Callable[[], None]) -> None:
        self.reader = io.StringIO(answers)
        self.shown: list[str] = []
        self._press = press

    def write(self, text: str) -> None:
        self.shown.append(text)
        if "Press the SETUP button" in text:
            self._press()

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("answer", "passed"), [("y\n", True), ("maybe\nn\n", False)])
def test_operator_steps_on_a_board_without_a_fixture(
    make_station: MakeStation,
    native_device: Callable[..., Any],
    answer: str,
    passed: bool,
) -> None:
    device = native_device("photon")
    with FixtureClient("127.0.0.1", device.fixture_port) as fixture:
        person = Operator(answer, lambda: fixture.press(200))
        station, lines = make_station(
            steps=[
                {"kind": "identify"},
                {"kind": "button", "source": "operator", "timeout_s": 5},
                {"kind": "led", "color": "green", "sensor": "operator"},
            ]
        )
        station.operator = OperatorPrompt(person.reader, person)  # type: ignore[arg-type]
        result = station.run_unit("SN0001", DutChoice("serial", device.test_pads))
    assert step(result, "button").passed and step(result, "button").value == "presses 0 → 1"
    assert step(result, "led").passed is passed
    assert step(result, "led").reason == (
        "operator saw green" if passed else "operator did not see green"
    )
    assert "SN0001  Is the LED green? [y/n] " in person.shown
    assert result.recorded_id is not None
