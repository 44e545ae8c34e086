"""What an emulated device announced when it became ready (its console, its SoftAP ports):
the part of the device surface the native and the QEMU device share."""

from __future__ import annotations

from typing import Any

from harken.errors import HarkenError


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

    def _softap_port(self, kind: str) -> int | None:
        softap = self._info.get("softap")
        port = softap.get(kind) if isinstance(softap, dict) else None
        return port if isinstance(port, int) and not isinstance(port, bool) else None
