"""The operator's y/n questions: answered from a real pipe, and ended by the station stopping
(Ctrl-C) while nobody answers."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator

import pytest

from harken.mfg.operator_prompt import OperatorGone, OperatorPrompt


@pytest.fixture
def pipe() -> Iterator[tuple[io.TextIOWrapper, int]]:
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "r")
    yield reader, write_fd
    reader.close()
    os.close(write_fd)


def test_an_answer_through_a_pipe(pipe: tuple[io.TextIOWrapper, int]) -> None:
    reader, write_fd = pipe
    shown = io.StringIO()
    prompt = OperatorPrompt(reader, shown)
    os.write(write_fd, b"maybe\nYes\n")
    assert prompt.ask_yes_no("SN1", "Is the LED white?") is True
    assert shown.getvalue().count("SN1  Is the LED white? [y/n] ") == 2  # asked again


def test_a_station_that_stops_ends_an_unanswered_question(
    pipe: tuple[io.TextIOWrapper, int],
) -> None:
    reader, _ = pipe
    prompt = OperatorPrompt(reader, io.StringIO())
    outcome: list[BaseException | bool] = []

    def ask() -> None:
        try:
            outcome.append(prompt.ask_yes_no("SN1", "Pressed?"))
        except OperatorGone as exc:
            outcome.append(exc)

    asking = threading.Thread(target=ask)
    asking.start()
    asking.join(0.5)
    assert asking.is_alive()  # waiting for the operator
    prompt.stopping.set()
    asking.join(5)
    assert not asking.is_alive()
    assert isinstance(outcome[0], OperatorGone) and "stopping" in str(outcome[0])
