"""Byte-exact access to a native device's console pty, for tests.

Deliberately independent of harken's own transport: plain pyserial reads with deadlines, so
the tests judge the device (and harken's client) against bytes, not against harken itself.
Assertion messages go through :func:`redact` so that passwords and claim codes used as test
data never show up in a report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import pytest
import serial

from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import DEFAULT_JOIN_MS, WifiNetwork
from harken.emulate.wifi_env import write_wifi_env as write_env_file

REPO = Path(__file__).resolve().parent.parent
VECTORS_PATH = REPO / "protocol" / "serial-console" / "vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
VECTOR_NETWORKS: list[dict[str, object]] = VECTORS["networks"]

GRACE = 0.15
"""How long to keep listening after the expected bytes, to catch extra output."""
QUIET = 0.3
"""How long "nothing arrives" is observed for."""
REPLY_TIMEOUT = 5.0
LISTEN_BAUD = 28800
CONSOLE_BAUD = 9600


# --- device state files ------------------------------------------------------------------------


def identity_for(name: str) -> dict[str, str]:
    """A vector identity as identity.txt values (without its ``platform``)."""
    return {k: v for k, v in VECTORS["identities"][name].items() if k != "platform"}


def platform_of(name: str) -> str:
    """The platform of a vector identity."""
    return VECTORS["identities"][name]["platform"]


def write_identity(state: Path, values: Mapping[str, str]) -> None:
    """Write ``identity.txt`` (``platform`` is not an identity key and is left out)."""
    lines = "".join(f"{k}={v}\n" for k, v in values.items() if k != "platform")
    (state / "identity.txt").write_text(lines, encoding="utf-8")


def wifi_network(n: Mapping[str, object] | WifiNetwork) -> WifiNetwork:
    """A network of the test data (``ssid``, ``security`` as hex text or int, optional
    ``channel``, ``rssi``, ``password``, ``join_ms``, ``behaviour``) as a :class:`WifiNetwork`."""
    if isinstance(n, WifiNetwork):
        return n
    security = n["security"]
    return WifiNetwork(
        ssid=str(n["ssid"]),
        security=security if isinstance(security, int) else int(str(security), 16),
        channel=int(n.get("channel", 1)),
        rssi=int(n.get("rssi", -50)),
        password=n.get("password"),
        join_ms=int(n.get("join_ms", DEFAULT_JOIN_MS)),
        behaviour=str(n.get("behaviour", "ok")),
    )


def write_wifi_env(state: Path, networks: Sequence[Mapping[str, object] | WifiNetwork]) -> None:
    """Write ``wifi-env.txt`` (harken.emulate.wifi_env's format, replaced atomically)."""
    write_env_file(state, [wifi_network(n) for n in networks])


# --- redaction ---------------------------------------------------------------------------------


def redact(data: bytes, secrets: Iterable[bytes | str] = ()) -> bytes:
    """``data`` with every secret, and every run of 4+ bytes taken from one, masked."""
    out = bytes(data)
    for secret in sorted((_b(s) for s in secrets if s), key=len, reverse=True):
        out = out.replace(secret, b"<secret>")
        for length in range(len(secret) - 1, 3, -1):
            for start in range(len(secret) - length + 1):
                piece = secret[start : start + length]
                if piece in out:
                    out = out.replace(piece, b"<secret>")
    return out


def _b(value: bytes | str) -> bytes:
    return value.encode("latin-1") if isinstance(value, str) else bytes(value)


def assert_bytes(actual: bytes, expected: bytes, what: str, secrets: Iterable = ()) -> None:
    """Exact comparison whose failure message is redacted."""
    if actual == expected:
        return
    secrets = list(secrets)
    diff = next(
        (i for i, (a, e) in enumerate(zip(actual, expected, strict=False)) if a != e),
        min(len(actual), len(expected)),
    )
    pytest.fail(
        f"{what}: expected {len(expected)} bytes, got {len(actual)}; first difference at "
        f"offset {diff}\n  expected: {redact(expected, secrets)!r}\n"
        f"  actual:   {redact(actual, secrets)!r}",
        pytrace=False,
    )


# --- the console -------------------------------------------------------------------------------


class RawConsole:
    """One open connection to a console pty (9600 baud, DTR high, as pyserial opens it)."""

    def __init__(self, path: str, baudrate: int = CONSOLE_BAUD) -> None:
        self.path = path
        self._serial = serial.Serial(path, baudrate, timeout=0)

    def close(self) -> None:
        self._serial.close()

    def __enter__(self) -> RawConsole:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, data: bytes | str) -> None:
        self._serial.write(_b(data))
        self._serial.flush()

    def read_for(self, seconds: float) -> bytes:
        """Everything that arrives within ``seconds``."""
        deadline = time.monotonic() + seconds
        data = bytearray()
        while (remaining := deadline - time.monotonic()) > 0:
            self._serial.timeout = remaining
            data += self._serial.read(4096)
        return bytes(data)

    def read_count(self, count: int, timeout: float = REPLY_TIMEOUT) -> bytes:
        """Read until ``count`` bytes arrived or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        data = bytearray()
        while len(data) < count and (remaining := deadline - time.monotonic()) > 0:
            self._serial.timeout = remaining
            data += self._serial.read(count - len(data))
        return bytes(data)

    def read_until(self, marker: bytes | str, timeout: float = REPLY_TIMEOUT) -> bytes:
        """Read until ``marker`` arrived (returned data may be cut short on timeout)."""
        marker = _b(marker)
        deadline = time.monotonic() + timeout
        data = bytearray()
        while marker not in data and (remaining := deadline - time.monotonic()) > 0:
            self._serial.timeout = min(remaining, 0.05)
            data += self._serial.read(max(1, self._serial.in_waiting))
        return bytes(data)

    def expect(
        self,
        expected: bytes | str,
        what: str = "reply",
        *,
        timeout: float = REPLY_TIMEOUT,
        grace: float = GRACE,
        secrets: Iterable = (),
    ) -> None:
        """Exactly ``expected`` arrives, then nothing more within ``grace``; an empty
        ``expected`` means nothing at all arrives within :data:`QUIET`."""
        expected = _b(expected)
        if not expected:
            assert_bytes(self.read_for(QUIET), b"", f"{what} (expected silence)", secrets)
            return
        got = self.read_count(len(expected), timeout)
        got += self.read_for(grace)
        assert_bytes(got, expected, what, secrets)

    def exchange(
        self, send: bytes | str, expected: bytes | str, what: str = "reply", **kwargs: object
    ) -> None:
        """Send, then :meth:`expect`."""
        self.send(send)
        self.expect(expected, what, **kwargs)  # type: ignore[arg-type]


def listen_trick(path: str) -> None:
    """Open the console at 28800 baud and close it again (a CDC SET_LINE_CODING)."""
    handle = serial.Serial(path, LISTEN_BAUD)
    handle.close()


# --- the device's stderr log -------------------------------------------------------------------


class DeviceLog:
    """Follows ``native.log`` from the moment it is created."""

    def __init__(self, device: NativeDevice) -> None:
        self._path = device.log_path
        self._start = self._path.stat().st_size if self._path.exists() else 0

    def text(self) -> str:
        """What the device logged since this watcher was created."""
        if not self._path.exists():
            return ""
        with open(self._path, "rb") as log:
            log.seek(self._start)
            return log.read().decode("utf-8", errors="replace")

    def lines(self) -> list[str]:
        """Logged event lines (``[area] text``), without the harness' own lines."""
        return [
            line
            for line in self.text().splitlines()
            if line.startswith("[") and not line.startswith("[stdout]")
        ]

    def wait_for(self, line: str, timeout: float = REPLY_TIMEOUT, count: int = 1) -> list[str]:
        """Wait until ``line`` has been logged ``count`` times; return the event lines."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.lines()
            if lines.count(line) >= count:
                return lines
            if time.monotonic() >= deadline:
                pytest.fail(f"the device did not log {line!r} (logged: {lines})", pytrace=False)
            time.sleep(0.005)


def enter_listening(device: NativeDevice, timeout: float = REPLY_TIMEOUT) -> None:
    """The 28800-baud trick, then wait until the device reports listening mode."""
    log = DeviceLog(device)
    listen_trick(device.console)
    log.wait_for("[listening] entered: host request", timeout)
