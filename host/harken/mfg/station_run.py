"""One station run per unit: enter test mode, run the sequence, print each step as it ends,
and record the finished run in one transaction (or nothing, when the run never identified the
unit, was refused or was interrupted). Several units run at once, one thread each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harken.dut_choice import DutChoice
from harken.errors import HarkenError
from harken.fixture.client import FixtureClient, FixtureError
from harken.mfg.operator_prompt import OperatorGone, OperatorPrompt
from harken.mfg.run_result import RunResult, StepResult
from harken.mfg.station_config import StationConfig, StationConfigError
from harken.mfg.station_dut import (
    DEFAULT_STATE_ROOT,
    StationDut,
    check_serial_number,
    emulation_files,
    make_dut,
)
from harken.mfg.station_steps import StepAborted, StepContext, run_step
from harken.mfg.test_pads import (
    TestModeProtocolError,
    TestModeRefused,
    TestPadsClient,
    UnitNotAnswering,
)
from harken.mfg.unit_records import BindingRefused, RecordsError, UnitRecords, now_text
from harken.protocol.test_mode import status_name
from harken.transport.serial_port import TransportError

REPLY_TIMEOUT = 2.0
RETRIES = 2
ENTER_TIMEOUT = 10.0
NAME_WIDTH = 17

AfterStep = Callable[[StepResult, StationDut], None]
"""Called after each step with the unit's DUT (tests pause the device there)."""


class Interrupted(HarkenError):
    """The station was stopped (Ctrl-C) before the run finished: nothing recorded."""


def check_dut(config: StationConfig, choice: DutChoice) -> None:
    """Refuse what a DUT cannot do: real boards have no fixture channel."""
    if choice.kind != "serial":
        return
    fixture_steps = config.uses_fixture()
    if fixture_steps:
        names = ", ".join(s.name for s in fixture_steps)
        raise StationConfigError(
            f"{config.path}: step(s) {names} use the fixture, which only emulated units have; "
            f"on a real board ({choice}) use sensor = 'operator' / source = 'operator'"
        )


def step_line(serial_number: str, step: StepResult) -> str:
    """``SN0001  PASS  scan                 12 ms  FactoryAP at -48 dBm (limit -70)``"""
    verdict = "PASS" if step.passed else "FAIL"
    return f"{serial_number}  {verdict}  {step.name:<{NAME_WIDTH}} {step.ms:>5} ms  {step.reason}"


def unit_line(result: RunResult) -> str:
    """The unit's verdict and what was recorded."""
    sn = result.serial_number
    if result.refused:
        return f"{sn}  FAIL  refused: {result.refused}"
    if result.recorded_id is None:
        why = result.error or result.summary or "the run did not finish"
        return f"{sn}  FAIL  nothing recorded: {why}"
    device = result.identity.device_id if result.identity else "?"
    if result.passed:
        return f"{sn}  PASS  unit passed; recorded as run {result.recorded_id} (device {device})"
    return (
        f"{sn}  FAIL  unit failed ({result.summary}); recorded as run {result.recorded_id} "
        f"(device {device})"
    )


@dataclass
class Station:
    """Runs ``config``'s sequence on units. ``printer`` gets each output line (from any
    thread, one call per line)."""

    config: StationConfig
    printer: Callable[[str], None] = print
    state_root: Path = DEFAULT_STATE_ROOT
    program: Path | None = None
    qemu_image: Path | None = None
    operator: OperatorPrompt | None = None
    after_step: AfterStep | None = None
    reply_timeout: float = REPLY_TIMEOUT
    enter_timeout: float = ENTER_TIMEOUT
    cancel: threading.Event = field(default_factory=threading.Event)
    _duts: list[StationDut] = field(default_factory=list, init=False, repr=False)
    _clients: list[TestPadsClient] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    # --- several units ---------------------------------------------------------------------

    def run_all(self, units: Sequence[tuple[str, DutChoice]]) -> list[RunResult]:
        """Each (serial number, DUT) in its own thread; the results in the same order.
        Ctrl-C cuts the steps under way short and records nothing (the units are stopped);
        a second Ctrl-C kills the units."""
        serials = [check_serial_number(sn) for sn, _ in units]
        if len(set(serials)) != len(serials):
            raise ValueError("the same serial number is given twice")
        for _, choice in units:
            check_dut(self.config, choice)
        self.program, self.qemu_image = emulation_files(
            {choice.kind for _, choice in units},
            self.config.expect.platform,
            self.program,
            self.qemu_image,
        )
        results: list[RunResult | None] = [None] * len(units)
        finished = threading.Semaphore(0)

        def work(index: int, serial_number: str, choice: DutChoice) -> None:
            try:
                results[index] = self.run_unit(serial_number, choice)
            except Exception as exc:  # noqa: BLE001 - a bug must not lose the unit's line
                result = RunResult(serial_number, self.config.name, now_text())
                result.error = f"the station failed: {exc!r}"
                results[index] = result
                self.printer(unit_line(result))
            finally:
                finished.release()

        # Waiting on a semaphore, not Thread.join: a join interrupted by Ctrl-C may later
        # return before its thread has ended (CPython before 3.13).
        waiting = 0
        try:
            for index, (serial_number, choice) in enumerate(units):
                threading.Thread(
                    target=work,
                    args=(index, serial_number, choice),
                    name=f"station-{serial_number}",
                    daemon=True,
                ).start()
                waiting += 1  # a Ctrl-C while starting them still stops those started
            while waiting:
                if finished.acquire(timeout=0.2):
                    waiting -= 1
        except KeyboardInterrupt:
            self.cancel.set()
            if self.operator is not None:
                self.operator.stopping.set()  # a question waiting for its answer ends too
            self.printer("interrupted: stopping the units; runs not yet recorded are dropped")
            with self._lock:
                clients = list(self._clients)
            for client in clients:
                client.close()  # ends the step under way
            try:
                while waiting:
                    if finished.acquire(timeout=0.2):
                        waiting -= 1
            except KeyboardInterrupt:
                self._kill_all()
            raise
        return [r for r in results if r is not None]

    def _kill_all(self) -> None:
        with self._lock:
            duts = list(self._duts)
        for dut in duts:
            dut.kill()

    # --- one unit --------------------------------------------------------------------------

    def run_unit(self, serial_number: str, choice: DutChoice) -> RunResult:
        """The whole run of one unit, recorded (or not) as the module says."""
        check_serial_number(serial_number)
        result = RunResult(serial_number, self.config.name, now_text())
        dut = make_dut(
            serial_number,
            choice,
            platform=self.config.expect.platform,
            networks=self.config.networks,
            state_root=self.state_root,
            program=self.program,
            qemu_image=self.qemu_image,
        )
        with self._lock:
            self._duts.append(dut)
        try:
            dut.start()
            self._run_on(dut, result)
        except Interrupted as exc:
            result.error = str(exc)
        except HarkenError as exc:
            result.error = str(exc)
        finally:
            try:
                dut.stop()
            finally:
                with self._lock:
                    self._duts.remove(dut)
        self.printer(unit_line(result))
        return result

    def _run_on(self, dut: StationDut, result: RunResult) -> None:
        with UnitRecords(self.config.database) as records:
            client = TestPadsClient(
                dut.test_pads,
                baudrate=self.config.baud,
                timeout=self.reply_timeout,
                retries=RETRIES,
            )
            with self._lock:
                self._clients.append(client)
            try:
                self._session(dut, client, result, records)
            finally:
                with self._lock:
                    self._clients.remove(client)
                client.close()
            result.finished_at = now_text()
            if result.identity is None or result.refused or result.error:
                return
            if self.cancel.is_set():
                raise Interrupted("interrupted before the run was recorded: nothing recorded")
            try:
                result.recorded_id = records.record_run(result)
            except BindingRefused as exc:
                result.refused = str(exc)
            except RecordsError as exc:
                result.error = str(exc)

    def _session(
        self, dut: StationDut, client: TestPadsClient, result: RunResult, records: UnitRecords
    ) -> None:
        """Test mode, then the steps, with the fixture open if the sequence uses it."""
        try:
            client.enter(timeout=self.enter_timeout)
        except UnitNotAnswering:
            result.error = (
                f"the unit did not answer the test-mode preamble in {self.enter_timeout:g} s "
                "(silent from the start: nothing to bind it by)"
            )
            return
        fixture = self._fixture(dut)
        try:
            context = StepContext(
                result.serial_number,
                client,
                self.config.expect,
                fixture=fixture,
                operator=self.operator,
            )
            self._steps(dut, context, result, records)
        finally:
            if fixture is not None:
                fixture.close()

    def _fixture(self, dut: StationDut) -> FixtureClient | None:
        port = dut.fixture_port
        if port is None or not self.config.uses_fixture():
            return None
        return FixtureClient("127.0.0.1", port)

    def _steps(
        self, dut: StationDut, context: StepContext, result: RunResult, records: UnitRecords
    ) -> None:
        for step in self.config.steps:
            if self.cancel.is_set():
                raise Interrupted(f"interrupted before {step.name}: nothing recorded")
            began = time.monotonic()
            ends_run = False
            try:
                measured = run_step(step, context)
                passed, value, limit, reason = (
                    measured.passed,
                    measured.value,
                    measured.limit,
                    measured.reason,
                )
            except UnitNotAnswering:
                waited = time.monotonic() - began  # every try of the request, or the re-entry
                passed, value, limit, ends_run = False, "no reply", "", True
                reason = f"unit stopped answering during {step.name} (no reply in {waited:.1f} s)"
            except TestModeRefused as exc:
                passed, value, limit, reason = False, status_name(exc.status), "", str(exc)
            except TestModeProtocolError as exc:
                passed, value, limit, ends_run = False, "protocol error", "", True
                reason = f"test-pads protocol error during {step.name}: {exc}"
            except TransportError as exc:
                passed, value, limit, ends_run = False, "line lost", "", True
                reason = f"test pads lost during {step.name}: {exc}"
            except (FixtureError, StepAborted) as exc:
                passed, value, limit = False, "not measured", ""
                reason = str(exc)
            except OperatorGone as exc:
                passed, value, limit, ends_run = False, "no answer", "", True
                reason = str(exc)
            if self.cancel.is_set():  # the step was cut short by the stop, not by the unit
                raise Interrupted(f"interrupted during {step.name}: nothing recorded")
            ms = round((time.monotonic() - began) * 1000)
            step_result = StepResult(step.name, step.kind, passed, value, limit, reason, ms)
            if step.kind == "identify" and context.identity is None:
                # Never identified: there is no device ID to bind or record the run by.
                result.steps.append(step_result)
                self.printer(step_line(result.serial_number, step_result))
                result.error = f"the unit did not identify ({reason}); nothing recorded"
                return
            result.identity = context.identity
            result.steps.append(step_result)
            self.printer(step_line(result.serial_number, step_result))
            if step.kind == "identify":
                assert context.identity is not None
                try:
                    records.check_binding(result.serial_number, context.identity.device_id)
                except BindingRefused as exc:
                    result.refused = str(exc)
                    return
            if self.after_step is not None:
                self.after_step(step_result, dut)
            if ends_run or (not passed and self.config.stop_on_fail):
                return
