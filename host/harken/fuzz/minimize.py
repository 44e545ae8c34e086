"""Delta debugging (Zeller's ddmin) over a case's message list: the smallest list found for
which ``fails`` still holds, within a budget of trials (each one a replay on the device)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def minimize(
    items: Sequence[T], fails: Callable[[list[T]], bool], max_trials: int = 100
) -> tuple[list[T], int]:
    """A 1-minimal (or budget-limited) sub-list of ``items`` on which ``fails`` is true,
    order kept; ``fails(items)`` is assumed. Returns the list and the trials used."""
    current = list(items)
    trials = 0
    chunks = 2
    while len(current) >= 2 and trials < max_trials:
        size = -(-len(current) // chunks)
        parts = [current[i : i + size] for i in range(0, len(current), size)]
        reduced = False
        for index in range(len(parts)):  # a part alone
            if trials >= max_trials:
                break
            trials += 1
            if fails(parts[index]):
                current, chunks, reduced = parts[index], 2, True
                break
        if not reduced and len(parts) > 2:
            for index in range(len(parts)):  # everything but a part
                if trials >= max_trials:
                    break
                rest = [x for j, part in enumerate(parts) if j != index for x in part]
                trials += 1
                if fails(rest):
                    current, chunks, reduced = rest, max(chunks - 1, 2), True
                    break
        if not reduced:
            if chunks >= len(current):
                break
            chunks = min(len(current), chunks * 2)
    return current, trials
