"""The error raised when a SoftAP reply does not have the documented form."""

from __future__ import annotations

from harken.errors import HarkenError


class ReplyFormatError(HarkenError, ValueError):
    """A device reply is not what the protocol says. Messages never quote the reply."""
