"""Asking the person at the station (real units without a fixture): one question at a time on
the terminal, whichever unit's thread asks, each prefixed with the unit's serial number."""

from __future__ import annotations

import os
import select
import sys
import threading
from typing import TextIO

ANSWER_POLL = 0.2
"""How often a wait for the operator's answer looks whether the station is stopping."""


class OperatorGone(Exception):
    """The terminal closed (end of input): nobody can answer."""


class OperatorPrompt:
    """``stopping``: set when the station stops (Ctrl-C); a question waiting for its answer
    then ends with :class:`OperatorGone` instead of holding the station up."""

    def __init__(
        self,
        reader: TextIO | None = None,
        writer: TextIO | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        self._reader = reader or sys.stdin
        self._writer = writer or sys.stderr
        self._lock = threading.Lock()
        self.stopping = stopping or threading.Event()
        self._pending = b""

    def ask_yes_no(self, serial_number: str, question: str) -> bool:
        """``question [y/n]`` until the answer is y(es) or n(o)."""
        with self._lock:
            while True:
                self._writer.write(f"{serial_number}  {question} [y/n] ")
                self._writer.flush()
                line = self._read_answer()
                if not line:
                    raise OperatorGone("no answer: the terminal closed")
                answer = line.strip().lower()
                if answer in ("y", "yes"):
                    return True
                if answer in ("n", "no"):
                    return False

    def tell(self, serial_number: str, text: str) -> None:
        with self._lock:
            self._writer.write(f"{serial_number}  {text}\n")
            self._writer.flush()

    def _read_answer(self) -> str:
        """One line, "" at end of input. From a file descriptor it is read here, byte by
        byte through ``_pending``, so that select() sees every unread byte (a buffered
        reader would hide a second answer typed ahead)."""
        try:
            fd = self._reader.fileno()
        except (AttributeError, OSError, ValueError):
            return self._reader.readline()  # not a terminal or pipe (a script's answers)
        while b"\n" not in self._pending:
            while not select.select([fd], [], [], ANSWER_POLL)[0]:
                if self.stopping.is_set():
                    raise OperatorGone("the station is stopping")
            chunk = os.read(fd, 256)
            if not chunk:
                line, self._pending = self._pending, b""
                return line.decode(errors="replace")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode(errors="replace") + "\n"
