"""Asking the person at the station (real units without a fixture): one question at a time on
the terminal, whichever unit's thread asks, each prefixed with the unit's serial number."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class OperatorGone(Exception):
    """The terminal closed (end of input): nobody can answer."""


class OperatorPrompt:
    def __init__(self, reader: TextIO | None = None, writer: TextIO | None = None) -> None:
        self._reader = reader or sys.stdin
        self._writer = writer or sys.stderr
        self._lock = threading.Lock()

    def ask_yes_no(self, serial_number: str, question: str) -> bool:
        """``question [y/n]`` until the answer is y(es) or n(o)."""
        with self._lock:
            while True:
                self._writer.write(f"{serial_number}  {question} [y/n] ")
                self._writer.flush()
                line = self._reader.readline()
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
