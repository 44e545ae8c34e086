"""What the test-mode payloads share (protocol/test-mode.md, "Types"): the error, the
u8-length text field, and how its bytes become text.

Text a device reports is decoded leniently (U+FFFD for bad bytes); text of a request exactly
(surrogate escapes), so that a request decodes and encodes back to its bytes.
"""

from __future__ import annotations

from construct import Construct, ConstructError, Container, GreedyBytes, Int8ul, Prefixed

from harken.errors import HarkenError


class TestModePayloadError(HarkenError):
    """A payload that does not fit its type. Messages never quote a request's key."""

    __test__ = False


def text8() -> Construct:
    """A u8 length, then that many bytes."""
    return Prefixed(Int8ul, GreedyBytes)


def shown(raw: bytes) -> str:
    return bytes(raw).decode("utf-8", errors="replace")


def exact(raw: bytes) -> str:
    return bytes(raw).decode("utf-8", errors="surrogateescape")


def raw(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def parse_payload(model: Construct, payload: bytes, what: str) -> Container:
    """``model`` parsed from ``payload``; :class:`TestModePayloadError` if it does not fit."""
    try:
        return model.parse(payload)
    except ConstructError:
        # construct's message can quote the parsed fields, a JOIN key among them
        raise TestModePayloadError(f"{what} payload of {len(payload)} bytes does not fit") from None
