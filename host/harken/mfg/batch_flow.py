"""``harken mfg batch``: the daily sample. Units whose latest station run passed go through
the customer's SoftAP set-up end to end (device-id, public key, claim code, scan, configure,
connect, and the join's verified outcome), and the device ID the SoftAP reports must be the
one the unit's serial number is bound to.

Emulated units are started on their state folders; afterwards each one is factory reset over
its test pads, so it waits in listening mode again as it shipped. A real board is set up over
the laptop's Wi-Fi (joined to the board's ``Photon-XXXX`` network), one at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harken.dut_choice import DutChoice
from harken.emulate.native import IDENTITY_FILE
from harken.errors import HarkenError
from harken.mfg.station_config import BatchNetwork, StationConfig, StationConfigError
from harken.mfg.station_dut import (
    DEFAULT_STATE_ROOT,
    EmulatedDut,
    StationDut,
    emulation_files,
    make_dut,
)
from harken.mfg.test_pads import TestPadsClient
from harken.mfg.unit_records import UnitRecords, now_text
from harken.softap.client import DEFAULT_HOST, SoftApClient
from harken.softap.errors import SoftApError, SoftApUnreachable
from harken.softap.setup_flow import SetupRequest, run_setup

AP_TIMEOUT = 15.0
"""How long an emulated unit may take to bring its setup AP up after it starts."""
RESET_TIMEOUT = 10.0


class BatchError(HarkenError):
    """The batch cannot start: no [batch] network, too few passed units."""


@dataclass(frozen=True)
class BatchResult:
    serial_number: str
    device_id: str
    passed: bool
    reason: str
    ms: int

    def as_dict(self) -> dict[str, object]:
        return {
            "serial_number": self.serial_number,
            "device_id": self.device_id,
            "passed": self.passed,
            "reason": self.reason,
            "ms": self.ms,
        }


def batch_line(result: BatchResult) -> str:
    verdict = "PASS" if result.passed else "FAIL"
    return f"{result.serial_number}  {verdict}  softap-setup {result.ms:>6} ms  {result.reason}"


@dataclass
class Batch:
    config: StationConfig
    printer: Callable[[str], None] = print
    state_root: Path = DEFAULT_STATE_ROOT
    program: Path | None = None
    qemu_image: Path | None = None
    softap_host: str = DEFAULT_HOST

    @property
    def network(self) -> BatchNetwork:
        if self.config.batch is None:
            raise StationConfigError(
                f"{self.config.path}: add a [batch] table with the customer's network (ssid, "
                "password, claim_code)"
            )
        return self.config.batch

    def pick(self, records: UnitRecords, count: int, choice: DutChoice) -> list[tuple[str, str]]:
        """``count`` units whose latest run passed; emulated ones must have their state here."""
        if count < 1:
            raise ValueError("--count is at least 1")
        candidates = records.passed_units(1_000_000)
        if choice.kind != "serial":
            candidates = [
                (sn, device)
                for sn, device in candidates
                if (self.state_root / sn / IDENTITY_FILE).is_file()
            ]
        if len(candidates) < count:
            raise BatchError(
                f"{len(candidates)} unit(s) whose latest run passed"
                + ("" if choice.kind == "serial" else f" have state under {self.state_root}")
                + f"; {count} asked"
            )
        return candidates[:count]

    def run(self, count: int, choice: DutChoice) -> list[BatchResult]:
        """Set up ``count`` passed units (emulated), or the one real board on the laptop's
        Wi-Fi (``serial``: ``count`` must be 1); each result is recorded."""
        network = self.network
        if choice.kind == "serial" and count != 1:
            raise BatchError("a real board is set up one at a time: --count 1")
        with UnitRecords(self.config.database, create=False) as records:
            units = self.pick(records, count, choice) if choice.kind != "serial" else []
            self.program, self.qemu_image = emulation_files(
                {choice.kind}, self.config.expect.platform, self.program, self.qemu_image
            )
            if choice.kind == "serial":
                units = [("", "")]  # which unit it is, the SoftAP will tell
            results = []
            for serial_number, device_id in units:
                started = now_text()
                result = self._one(serial_number, device_id, choice, network, records)
                if result.serial_number:
                    records.record_batch(
                        result.serial_number,
                        result.device_id,
                        self.config.name,
                        started,
                        result.passed,
                        network.ssid,
                        result.reason,
                    )
                self.printer(batch_line(result))
                results.append(result)
        return results

    def _one(
        self,
        serial_number: str,
        device_id: str,
        choice: DutChoice,
        network: BatchNetwork,
        records: UnitRecords,
    ) -> BatchResult:
        began = time.monotonic()
        dut = make_dut(
            serial_number or "board",
            choice,
            platform=self.config.expect.platform,
            networks=self.config.networks,
            state_root=self.state_root,
            program=self.program,
            qemu_image=self.qemu_image,
        )
        passed, reason = False, ""
        try:
            dut.start()
            outcome = run_setup(
                self._softap(dut),
                SetupRequest(
                    ssid=network.ssid,
                    password=network.password,
                    claim_code=network.claim_code,
                    join_timeout=network.join_timeout_s,
                ),
            )
            found = None
            if not serial_number:  # a real board: find it by the ID it reported
                found = records.lookup(outcome.device_id)
                serial_number, device_id = (
                    (found.serial_number, found.device_id) if found else ("", outcome.device_id)
                )
            passed, reason = judge(outcome.device_id, device_id, outcome.joined, outcome.message)
            if not serial_number:
                passed, reason = False, f"device {outcome.device_id} is not in the records"
            elif found is not None and not (found.runs and found.runs[-1].passed):
                passed, reason = False, f"{serial_number}'s latest station run did not pass"
        except SoftApError as exc:
            reason = f"SoftAP set-up failed: {exc}"
        except HarkenError as exc:
            reason = str(exc)
        finally:
            try:
                reason += self._restore(dut)
            finally:
                dut.stop()  # even when restoring was interrupted: no unit outlives the batch
        ms = round((time.monotonic() - began) * 1000)
        return BatchResult(serial_number, device_id, passed, reason, ms)

    def _softap(self, dut: StationDut) -> SoftApClient:
        if not isinstance(dut, EmulatedDut):
            return SoftApClient(self.softap_host)
        port = dut.device.softap_tcp_port
        if port is None:
            raise BatchError("the unit has no setup AP (an Electron?)")
        client = SoftApClient("127.0.0.1", port)
        deadline = time.monotonic() + AP_TIMEOUT
        while True:  # the unit starts its setup AP as it enters listening mode after boot
            try:
                client.version()
                return client
            except SoftApUnreachable:
                if time.monotonic() >= deadline:
                    raise BatchError(
                        f"the unit's setup AP did not answer within {AP_TIMEOUT:.0f} s "
                        "(not in listening mode: Wi-Fi credentials stored?)"
                    ) from None
                time.sleep(0.1)

    def _restore(self, dut: StationDut) -> str:
        """Factory reset the unit over its test pads (emulated units only): it ships, and is
        sampled next time, as it left the station. Returns a note when that failed."""
        if not dut.emulated:
            return ""
        try:
            with TestPadsClient(dut.test_pads, baudrate=self.config.baud) as client:
                client.enter(timeout=RESET_TIMEOUT)
                client.factory_reset()
        except HarkenError as exc:
            return f" (not returned to its factory state: {exc})"
        return ""


def judge(reported: str, recorded: str, joined: bool | None, message: str) -> tuple[bool, str]:
    """The unit passes when it joined (verified) and is the device its serial number is
    bound to."""
    if recorded and reported != recorded:
        return False, f"the SoftAP reports device {reported}, but the unit is bound to {recorded}"
    if joined is not True:
        return False, message if joined is False else f"{message} (not verified)"
    return True, f"device {reported}: {message}"
