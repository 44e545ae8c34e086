"""Reproducer files: the messages of a finding (minimised when it reproduced), with the seed
and case it came from, as JSON. Names carry target, kind, seed and case only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harken import __version__
from harken.atomic_file import replace_file
from harken.fuzz.case import Message

FORMAT = 1


@dataclass(frozen=True)
class Reproducer:
    target: str
    kind: str
    detail: str
    seed: int
    case: int
    dut: str
    platform: str
    messages: tuple[Message, ...] = field(repr=False)
    original_messages: int = 0
    reproduced: bool = False
    """Whether the saved messages alone brought the finding back during minimisation."""

    @property
    def file_name(self) -> str:
        return f"{self.target}-{self.kind}-seed{self.seed}-case{self.case}.json"

    def to_json(self) -> dict[str, Any]:
        return {
            "harken_fuzz": FORMAT,
            "harken": __version__,
            "target": self.target,
            "finding": {"kind": self.kind, "detail": self.detail},
            "seed": self.seed,
            "case": self.case,
            "dut": self.dut,
            "platform": self.platform,
            "reproduced": self.reproduced,
            "original_messages": self.original_messages,
            "messages": [m.to_json() for m in self.messages],
        }

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.file_name
        text = json.dumps(self.to_json(), indent=1) + "\n"
        replace_file(path, text.encode())
        return path


def load_reproducer(path: Path) -> Reproducer:
    """Read a reproducer file; ValueError if it is not one."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        if value.get("harken_fuzz") != FORMAT:
            raise ValueError(f"{path} is not a harken fuzz reproducer (format {FORMAT})")
        return Reproducer(
            target=str(value["target"]),
            kind=str(value["finding"]["kind"]),
            detail=str(value["finding"]["detail"]),
            seed=int(value["seed"]),
            case=int(value["case"]),
            dut=str(value.get("dut", "")),
            platform=str(value.get("platform", "photon")),
            messages=tuple(Message.from_json(m) for m in value["messages"]),
            original_messages=int(value.get("original_messages", 0)),
            reproduced=bool(value.get("reproduced", False)),
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a valid reproducer ({exc.__class__.__name__})") from None
