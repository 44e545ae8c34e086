"""What an emulated device announced when it became ready (its console, its SoftAP ports, its
test pads):
the part of the device surface the native and the QEMU device share."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from harken.errors import HarkenError

DEFAULT_STATE = Path(".harken/device")
"""The state folder ``harken emulate`` uses, and where the bench commands look, by default."""
READY_FILE = "ready.json"
"""The running device's ready event in its state folder, for other harken commands."""


def write_ready_file(state_dir: Path, payload: dict[str, Any]) -> Path:
    """Publish a running device's ready event in its state folder (atomically)."""
    path = Path(state_dir) / READY_FILE
    temporary = path.with_name(f".{READY_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(payload) + "\n", "utf-8")
    os.replace(temporary, path)
    return path


def read_ready_file(state_dir: Path) -> dict[str, Any]:
    """The ready event of the device running on ``state_dir``."""
    path = Path(state_dir) / READY_FILE
    try:
        payload = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HarkenError(
            f"no emulated device is running on {state_dir} (start one with harken emulate)"
        ) from None
    except (OSError, ValueError) as exc:
        raise HarkenError(f"cannot read {path}: {exc}") from None
    if not isinstance(payload, dict):
        raise HarkenError(f"{path} is not a ready event")
    return payload


def running_console(state_dir: Path) -> str | None:
    """The console of the emulated device running on ``state_dir``, if one is."""
    try:
        console = read_ready_file(state_dir).get("console")
    except HarkenError:
        return None
    return console if isinstance(console, str) and Path(console).exists() else None


def remove_ready_file(state_dir: Path) -> None:
    """The device stopped: nothing may find it any more."""
    (Path(state_dir) / READY_FILE).unlink(missing_ok=True)


class ReadyEventView:
    """Read-only views of ``self._info``, the ready event of the current (or last) run.
    A subclass sets ``_not_started`` to the error it raises before its first start."""

    _info: dict[str, Any]
    _not_started: type[HarkenError] = HarkenError

    @property
    def info(self) -> dict[str, Any]:
        """The ready event of the current (or last) run."""
        return dict(self._info)

    @property
    def console(self) -> str:
        """Path of the console symlink (a pyserial URL; the 28800 trick works on it)."""
        if "console" not in self._info:
            raise self._not_started("the device has not been started")
        return str(self._info["console"])

    @property
    def softap_tcp_port(self) -> int | None:
        """The SoftAP's TCP port on 127.0.0.1 (None: no SoftAP, or not started)."""
        return self._softap_port("tcp")

    @property
    def softap_http_port(self) -> int | None:
        """The SoftAP's HTTP port on 127.0.0.1 (None: no SoftAP, or not started)."""
        return self._softap_port("http")

    @property
    def fixture_port(self) -> int | None:
        """The bench's port on 127.0.0.1: SETUP button and LED (protocol/fixture.md)."""
        port = self._info.get("fixture")
        return port if isinstance(port, int) and not isinstance(port, bool) else None

    @property
    def test_pads(self) -> str | None:
        """Path of the test pads' pty symlink (protocol/test-mode.md); None before a start."""
        path = self._info.get("testpads")
        return path if isinstance(path, str) else None

    @property
    def test_pads_url(self) -> str | None:
        """The test pads as ``socket://127.0.0.1:PORT`` (QEMU only; None on the native
        device, whose test pads are only its pty)."""
        url = self._info.get("testpads_url")
        return url if isinstance(url, str) else None

    def _softap_port(self, kind: str) -> int | None:
        softap = self._info.get("softap")
        port = softap.get(kind) if isinstance(softap, dict) else None
        return port if isinstance(port, int) and not isinstance(port, bool) else None
