"""Errors of the console clients. Messages never include claim codes or passwords."""

from __future__ import annotations

from harken.errors import HarkenError


class ConsoleError(HarkenError):
    """The device's console did not do what was asked."""


class ConsoleTimeout(ConsoleError, TimeoutError):
    """The device did not reply (or not with the expected text) in time."""


class UnsupportedCommand(ConsoleError):
    """The device's console does not offer this command (e.g. ``w`` on an Electron)."""


class ClaimCodeRejected(ConsoleError):
    """The device refused or altered the claim code."""


class WifiDialogError(ConsoleError):
    """The ``w`` dialog asked for something the caller did not provide or cannot answer."""


class WifiSaveFailed(ConsoleError):
    """The device reported that it could not save the Wi-Fi credentials."""
