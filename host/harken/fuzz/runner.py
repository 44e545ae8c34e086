"""The fuzz loop: generate case after case from the seed, run each on the session, and on a
finding minimise the case's messages by replaying them, save a reproducer, and put the
device back (or stop)."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harken.fuzz.case import FuzzCase, Message
from harken.fuzz.minimize import minimize
from harken.fuzz.reproducer import Reproducer
from harken.fuzz.session import Finding, FuzzSession

HISTORY = 6
"""Earlier cases tried in front of a finding's case when it does not come back alone (a
device may fail only in the state earlier cases left it in)."""
MAX_TRIALS = 40

log = logging.getLogger(__name__)


class CaseSource(Protocol):
    target: str

    def case(self, index: int) -> FuzzCase: ...


@dataclass(frozen=True)
class FindingRecord:
    case: int
    kind: str
    detail: str
    path: Path
    reproduced: bool
    messages: int


@dataclass
class RunStats:
    target: str
    seed: int
    cases: int = 0
    seconds: float = 0.0
    recoveries: int = 0
    findings: list[FindingRecord] = field(default_factory=list)

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Limits:
    """When to stop: after ``cases`` cases, ``seconds`` of fuzzing, or the first finding."""

    cases: int | None = None
    seconds: float | None = None
    stop_on_finding: bool = False


class FuzzRunner:
    def __init__(
        self,
        session: FuzzSession,
        source: CaseSource,
        seed: int,
        out_dir: Path,
        *,
        dut: str,
        platform: str,
        on_case: Callable[[RunStats], None] | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.seed = seed
        self.out_dir = out_dir
        self.dut = dut
        self.platform = platform
        self.on_case = on_case
        self._history: deque[FuzzCase] = deque(maxlen=HISTORY)

    def run(self, limits: Limits) -> RunStats:
        stats = RunStats(self.source.target, self.seed)
        started = time.monotonic()
        index = 0
        fuzzing = 0.0  # minimising and restarts are not fuzzing time
        while True:
            if limits.cases is not None and stats.cases >= limits.cases:
                break
            if limits.seconds is not None and fuzzing >= limits.seconds:
                break
            case = self.source.case(index)
            began = time.monotonic()
            finding = self.session.run(case.messages)
            fuzzing += time.monotonic() - began
            stats.cases += 1
            index += 1
            if finding is not None:
                record = self._report(case, finding)
                stats.findings.append(record)
                if limits.stop_on_finding:
                    break
                self.session.reset()
                self._history.clear()
            else:
                self._history.append(case)
            stats.recoveries = self.session.recoveries
            stats.seconds = fuzzing
            if self.on_case is not None:
                self.on_case(stats)
        stats.seconds = fuzzing
        stats.recoveries = self.session.recoveries
        log.info("fuzzing took %.1f s of %.1f s", fuzzing, time.monotonic() - started)
        return stats

    def _report(self, case: FuzzCase, finding: Finding) -> FindingRecord:
        log.warning("case %d: %s: %s", case.index, finding.kind, finding.detail)
        messages, reproduced = self._minimal(case, finding)
        reproducer = Reproducer(
            target=case.target,
            kind=finding.kind,
            detail=finding.detail,
            seed=case.seed,
            case=case.index,
            dut=self.dut,
            platform=self.platform,
            messages=tuple(messages),
            original_messages=len(case.messages),
            reproduced=reproduced,
        )
        path = reproducer.save(self.out_dir)
        return FindingRecord(
            case.index, finding.kind, finding.detail, path, reproduced, len(messages)
        )

    def _minimal(self, case: FuzzCase, finding: Finding) -> tuple[list[Message], bool]:
        """The smallest message list that brings ``finding``'s kind back from a restarted
        device: the case alone, else the case after the cases before it."""
        alone = list(case.messages)
        with_history = [m for earlier in self._history for m in earlier.messages] + alone
        for candidate in (alone, with_history):
            if self._fails(candidate, finding.kind, fresh=True):
                smallest, _ = minimize(
                    candidate, lambda ms: self._fails(ms, finding.kind), MAX_TRIALS
                )
                return smallest, True
            if candidate is with_history or len(with_history) == len(alone):
                break
        return alone, False

    def _fails(self, messages: list[Message], kind: str, *, fresh: bool = False) -> bool:
        if fresh or not self._healthy:
            self.session.reset()
        finding = self.session.run(messages)
        self._healthy = finding is None
        return finding is not None and finding.kind == kind

    _healthy = False


def replay(session: FuzzSession, messages: list[Message]) -> Finding | None:
    """Run a reproducer's messages once on an opened session."""
    session.probe_port()
    return session.run(messages)
