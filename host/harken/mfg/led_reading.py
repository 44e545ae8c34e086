"""Judging an LED colour by its chromaticity: each reading is normalised to its brightest
channel, so the LED's brightness setting (and a sensor's gain) does not matter, only the mix.
"""

from __future__ import annotations

from collections.abc import Sequence

Chromaticity = tuple[float, float, float]


def chromaticity(channels: Sequence[float]) -> Chromaticity | None:
    """``channels`` divided by the largest; None for a dark LED (all zero)."""
    if len(channels) != 3 or any(c < 0 for c in channels):
        raise ValueError("a colour is three non-negative channel values")
    peak = max(channels)
    if peak <= 0:
        return None
    red, green, blue = (c / peak for c in channels)
    return (red, green, blue)


def distance(read: Chromaticity, expected: Chromaticity) -> float:
    """How far apart two chromaticities are: the largest difference of one channel."""
    return max(abs(a - b) for a, b in zip(read, expected, strict=True))


def show(value: Chromaticity | None) -> str:
    """``(1.00, 0.93, 0.00)``, or ``dark``."""
    if value is None:
        return "dark"
    return "({:.2f}, {:.2f}, {:.2f})".format(*value)
