"""How commands print: one JSON object per result with ``--json``, readable text otherwise."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses, tuples and paths turned into plain JSON values. Dataclass fields kept out
    of ``repr`` (claim codes, device secrets, keys, raw images) are left out here too."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr
        }
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def emit(as_json: bool, payload: dict[str, Any], lines: Iterable[str]) -> None:
    """Print ``payload`` as one JSON line, or ``lines`` as text."""
    if as_json:
        sys.stdout.write(json.dumps(to_jsonable(payload)) + "\n")
    else:
        for line in lines:
            sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fail(message: str) -> int:
    """Report an error on stderr; return the exit status for it."""
    sys.stderr.write(f"harken: error: {message}\n")
    sys.stderr.flush()
    return 1
