"""One fuzz case: the messages sent to the device, in order, and their JSON form.

A message is the bytes of one connection (SoftAP ``tcp`` or ``http``) or one write burst on
the serial ``console``. ``splits`` cut the bytes into pieces sent ``gap_ms`` apart (partial
sends); ``half_close`` shuts the sending side of a connection after the last piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHANNELS = ("tcp", "http", "console")
TARGETS = ("softap", "serial", "ymodem")
MAX_GAP_MS = 200
"""Partial sends stay well inside the device's own 10 s idle limit."""


@dataclass(frozen=True)
class Message:
    """Bytes for one connection or one console burst."""

    channel: str
    data: bytes = field(repr=False)
    splits: tuple[int, ...] = ()
    gap_ms: int = 0
    half_close: bool = False
    note: str = ""
    """What the generator meant (e.g. ``configure-ap: bad hex pwd``); never secret."""

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if not 0 <= self.gap_ms <= MAX_GAP_MS:
            raise ValueError(f"gap_ms must be 0-{MAX_GAP_MS}")

    def pieces(self) -> list[bytes]:
        """The data cut at ``splits`` (out-of-range cuts ignored), empty pieces dropped."""
        cuts = sorted({s for s in self.splits if 0 < s < len(self.data)})
        bounds = [0, *cuts, len(self.data)]
        return [self.data[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"channel": self.channel, "data": self.data.hex()}
        if self.splits:
            value["splits"] = list(self.splits)
        if self.gap_ms:
            value["gap_ms"] = self.gap_ms
        if self.half_close:
            value["half_close"] = True
        if self.note:
            value["note"] = self.note
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Message:
        return cls(
            channel=str(value["channel"]),
            data=bytes.fromhex(str(value["data"])),
            splits=tuple(int(s) for s in value.get("splits", ())),
            gap_ms=int(value.get("gap_ms", 0)),
            half_close=bool(value.get("half_close", False)),
            note=str(value.get("note", "")),
        )


@dataclass(frozen=True)
class FuzzCase:
    """The messages of case ``index`` of a run with ``seed``."""

    target: str
    seed: int
    index: int
    messages: tuple[Message, ...]

    def with_messages(self, messages: tuple[Message, ...]) -> FuzzCase:
        return FuzzCase(self.target, self.seed, self.index, messages)


def case_random_seed(seed: int, index: int) -> int:
    """The RNG seed of one case: any case of a run can be generated again on its own."""
    return (seed & 0xFFFFFFFF) * 1_000_003 + index
