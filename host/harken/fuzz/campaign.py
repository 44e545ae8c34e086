"""Putting a run together: the device, the session and the case source for a target, and
the replay of a reproducer. Used by the CLI, the tests and the benchmark alike."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harken.fuzz.console_cases import ConsoleCases
from harken.fuzz.device import DutOptions, FuzzDevice
from harken.fuzz.pace import PACES
from harken.fuzz.reproducer import Reproducer
from harken.fuzz.rsa_payloads import DeviceKey
from harken.fuzz.runner import CaseSource, FuzzRunner, Limits, RunStats, replay
from harken.fuzz.session import Finding, FuzzSession
from harken.fuzz.softap_cases import SoftApCases, SoftApModel
from harken.fuzz.ymodem_cases import YmodemCases
from harken.softap.client import SoftApClient
from harken.softap.errors import SoftApError


@contextlib.contextmanager
def opened_session(options: DutOptions, target: str) -> Iterator[FuzzSession]:
    """A started device and its session; an emulated device's state lives in
    ``options.state_dir`` or, without one, in a temporary folder removed afterwards."""
    scratch = None
    state_dir = options.state_dir
    if state_dir is None:
        scratch = Path(tempfile.mkdtemp(prefix="harken-fuzz-"))
        state_dir = scratch
    session = FuzzSession(FuzzDevice(options, state_dir), target, PACES[options.dut.kind])
    try:
        session.open()
        yield session
    finally:
        session.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def softap_model(session: FuzzSession) -> SoftApModel:
    """The device's key and the networks it sees, read once over SoftAP."""
    endpoint = session.device.softap
    assert endpoint is not None
    client = SoftApClient(endpoint.host, endpoint.tcp_port)
    key = None
    ssids: tuple[str, ...] = ()
    with contextlib.suppress(SoftApError, ValueError):
        key = DeviceKey.from_public_key(client.public_key())
    with contextlib.suppress(SoftApError, ValueError):
        ssids = tuple(dict.fromkeys(entry.ssid for entry in client.scan()))
    # A board leaves listening mode on connect-ap (its AP goes, and this host's Wi-Fi with it).
    return SoftApModel(key=key, ssids=ssids, connect=session.device.emulated)


def case_source(target: str, seed: int, session: FuzzSession) -> CaseSource:
    if target == "softap":
        return SoftApCases(seed, softap_model(session))
    if target == "serial":
        return ConsoleCases(seed)
    if target == "ymodem":
        return YmodemCases(seed)
    raise ValueError(f"unknown fuzz target {target!r}")


@dataclass(frozen=True)
class Campaign:
    target: str
    seed: int
    options: DutOptions
    out_dir: Path
    limits: Limits

    def run(self, on_case: Callable[[RunStats], None] | None = None) -> RunStats:
        with opened_session(self.options, self.target) as session:
            runner = FuzzRunner(
                session,
                case_source(self.target, self.seed, session),
                self.seed,
                self.out_dir,
                dut=str(self.options.dut),
                platform=self.options.platform,
                on_case=on_case,
            )
            return runner.run(self.limits)


def replay_reproducer(reproducer: Reproducer, options: DutOptions) -> Finding | None:
    """Run a reproducer's messages on a freshly started device; the finding, if any."""
    with opened_session(options, reproducer.target) as session:
        return replay(session, list(reproducer.messages))
