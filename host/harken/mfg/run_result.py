"""What a station run found: one result per step and the unit's identity, as printed, sent as
JSON and recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StepResult:
    """One finished step. ``value`` is what was measured, ``limit`` what it was held to
    (both as text, ``""`` when the step has none); ``reason`` says why it passed or failed."""

    name: str
    kind: str
    passed: bool
    value: str
    limit: str
    reason: str
    ms: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "passed": self.passed,
            "value": self.value,
            "limit": self.limit,
            "reason": self.reason,
            "ms": self.ms,
        }


@dataclass(frozen=True)
class UnitIdentity:
    """What IDENTIFY reported: the fields the records keep."""

    device_id: str
    platform_id: int
    product_id: int
    product_version: int
    system_version: str
    module_version: int
    image_sha256: str | None


@dataclass
class RunResult:
    """One unit's run. ``identity`` is None when the unit never identified (nothing can be
    recorded then); ``refused`` holds the reason a binding was refused (nothing recorded);
    ``recorded_id`` is the run's row once it is in the database."""

    serial_number: str
    station: str
    started_at: str
    finished_at: str = ""
    identity: UnitIdentity | None = None
    steps: list[StepResult] = field(default_factory=list)
    error: str | None = None
    refused: str | None = None
    recorded_id: int | None = None

    @property
    def passed(self) -> bool:
        return (
            self.error is None
            and self.refused is None
            and self.identity is not None
            and bool(self.steps)
            and all(s.passed for s in self.steps)
        )

    @property
    def first_failure(self) -> StepResult | None:
        return next((s for s in self.steps if not s.passed), None)

    @property
    def summary(self) -> str:
        """Why the unit failed, in one line (empty when it passed)."""
        if self.refused:
            return self.refused
        failed = self.first_failure
        if failed is not None:
            return f"{failed.name}: {failed.reason}"
        return self.error or ""

    def as_dict(self) -> dict[str, Any]:
        identity = self.identity
        return {
            "serial_number": self.serial_number,
            "station": self.station,
            "passed": self.passed,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "device_id": identity.device_id if identity else None,
            "identity": None
            if identity is None
            else {
                "platform_id": identity.platform_id,
                "product_id": identity.product_id,
                "product_version": identity.product_version,
                "system_version": identity.system_version,
                "module_version": identity.module_version,
                "image_sha256": identity.image_sha256,
            },
            "steps": [s.as_dict() for s in self.steps],
            "error": self.error,
            "refused": self.refused,
            "recorded": self.recorded_id is not None,
            "run_id": self.recorded_id,
        }
