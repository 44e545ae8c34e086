"""Shared fixtures of the host tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from scripted_console import ConsoleScript, ScriptedConsole


@pytest.fixture
def scripted_console() -> Iterator[Callable[..., ScriptedConsole]]:
    """Factory: ``scripted_console(**script_fields)`` starts a scripted device on a pty."""
    started: list[ScriptedConsole] = []

    def start(**fields: object) -> ScriptedConsole:
        peer = ScriptedConsole(ConsoleScript(**fields)).__enter__()
        started.append(peer)
        return peer

    yield start
    for peer in started:
        peer.__exit__(None, None, None)
