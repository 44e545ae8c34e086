"""Errors of the SoftAP client. Messages never include passwords, keys or claim codes."""

from __future__ import annotations

from harken.errors import HarkenError
from harken.protocol.softap.messages import UNKNOWN_COMMAND


class SoftApError(HarkenError):
    """The device's SoftAP did not do what was asked."""


class SoftApUnreachable(SoftApError):
    """No connection to the SoftAP (``refused``: the device actively refused, e.g. because
    it is not, or no longer, in listening mode)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class SoftApTimeout(SoftApError, TimeoutError):
    """The device did not finish its reply in time."""


class NoReply(SoftApError):
    """The device answered with nothing: an unknown command, or a request body it rejected
    (Device OS sends no JSON for a body that fails its validation)."""


class Rejected(SoftApError):
    """The device answered with a non-zero result code (``detail``: the ``error`` text a
    harken device adds)."""

    def __init__(self, command: str, code: int, meaning: str, detail: str | None = None) -> None:
        extra = f": {detail}" if detail and detail not in meaning else ""
        super().__init__(f"{command}: {meaning}{extra} (result {code})")
        self.command = command
        self.code = code
        self.meaning = meaning
        self.detail = detail

    @property
    def unknown_command(self) -> bool:
        """A harken device's answer to a command it does not know (Device OS: no reply)."""
        return self.code == UNKNOWN_COMMAND


def is_unknown_command(error: SoftApError) -> bool:
    """Whether ``error`` says the device does not know the command: no reply (Device OS over
    TCP), HTTP 404, or a harken device's ``{"r":-404}``."""
    return isinstance(error, NoReply) or (isinstance(error, Rejected) and error.unknown_command)
