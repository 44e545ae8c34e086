"""Getting a device into DFU mode and running ``dfu-util`` on it (spec flashing.md §2, §4.1).

A Gen 2 device is on USB either in normal mode (a CDC serial port, 2B04:C00x, found with
pyserial) or in its bootloader's DFU mode (2B04:D00x, found with ``dfu-util -l``); both report
the device id as their USB serial number. The line-coding trick (open at 14400 baud, close)
makes a normal-mode device reset into DFU. Only :func:`list_dfu`, :func:`enter_dfu_mode` and
:func:`run_dfu_util` touch USB: parsing and choosing work on text and lists.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import serial

from harken.flash.dfu_plan import DFU_UTIL
from harken.flash.ymodem_sender import FlashError
from harken.protocol.platform import PARTICLE_USB_VID, PLATFORMS, Platform
from harken.transport.discovery import UsbDevice, device_id_from_serial, find_devices

ENTER_DFU_BAUD = 14400
DFU_WAIT = 15.0  # reset, bootloader start and USB enumeration take 1-3 s on hardware
DFU_UTIL_TIMEOUT = 300.0  # a 256 KiB system part takes about 10 s; leave ample margin

_FOUND = re.compile(r"^Found (DFU|Runtime): \[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\] (.*)$")
_FIELD = re.compile(r'(\w+)=("[^"]*"|[^,]*)')
_PROGRESS = re.compile(r"^(\w+)\s*\[([= ]*)\]\s+(\d+)%\s+(\d+) bytes")
# dfu-util messages worth a plain-words explanation: (pattern, hint)
_HINTS = (
    ("No DFU capable USB device", "no device in DFU mode (blinking yellow) matches"),
    ("More than one DFU capable", "several devices are in DFU mode: pick one with --device-id"),
    ("LIBUSB_ERROR_ACCESS", "no permission to open the USB device: install udev rules or use sudo"),
    ("Cannot open DFU device", "the DFU device could not be opened (permissions or busy)"),
    ('special command "ERASE_PAGE"', "the device refused to erase a sector (protected area?)"),
    ("Error during download", "the transfer failed: check the cable and retry"),
)


class DfuSessionError(FlashError):
    """No device, several, or dfu-util missing, failing or too slow."""


@dataclass(frozen=True)
class DfuInterface:
    """One ``Found DFU``/``Found Runtime`` line of ``dfu-util -l``: an alt setting."""

    dfu_mode: bool  # False: a runtime (application-mode) DFU interface
    vid: int
    pid: int
    version: int
    devnum: int | None
    cfg: int | None
    intf: int | None
    path: str | None  # absent before dfu-util 0.9
    alt: int | None
    name: str
    serial: str


@dataclass(frozen=True)
class DfuDevice:
    """A Particle Gen 2 device in DFU mode, with the names of its alt settings."""

    platform: Platform
    serial: str
    device_id: str | None
    devnum: int | None
    path: str | None
    alts: tuple[tuple[int | None, str], ...]


def _number(text: str | None, base: int = 10) -> int | None:
    digits = "0123456789abcdef"[:base]  # a malformed field reads as None, never raises
    return int(text, base) if text and all(c in digits for c in text.lower()) else None


def parse_dfu_list(text: str) -> list[DfuInterface]:
    """Every interface line of ``dfu-util -l`` output; banners and other lines are skipped."""
    found: list[DfuInterface] = []
    for line in text.splitlines():
        match = _FOUND.match(line.strip())
        if match:
            fields = {k: v.strip('"') for k, v in _FIELD.findall(match.group(4))}
            found.append(
                DfuInterface(
                    dfu_mode=match.group(1) == "DFU",
                    vid=int(match.group(2), 16),
                    pid=int(match.group(3), 16),
                    version=_number(fields.get("ver"), 16) or 0,
                    path=fields.get("path"),
                    name=fields.get("name", ""),
                    serial=fields.get("serial", ""),
                    **{k: _number(fields.get(k)) for k in ("devnum", "cfg", "intf", "alt")},
                )
            )
    return found


_BY_DFU_PID = {p.usb_dfu_pid: p for p in PLATFORMS}


def dfu_devices(interfaces: Sequence[DfuInterface]) -> list[DfuDevice]:
    """The Photon/P1/Electron bootloaders among ``interfaces``, one per device with its alts."""
    groups: dict[tuple, list[DfuInterface]] = {}
    for i in interfaces:
        if i.dfu_mode and i.vid == PARTICLE_USB_VID and i.pid in _BY_DFU_PID:
            groups.setdefault((i.pid, i.path, i.devnum, i.serial), []).append(i)
    devices = [
        DfuDevice(
            _BY_DFU_PID[pid],
            serial_number,
            device_id_from_serial(serial_number),
            devnum,
            path,
            alts=tuple(sorted({(a.alt, a.name) for a in alts}, key=lambda a: a[0] or 0)),
        )
        for (pid, path, devnum, serial_number), alts in groups.items()
    ]
    return sorted(devices, key=lambda d: (d.path or "", d.devnum or 0, d.serial))


def list_dfu(program: str = DFU_UTIL, timeout: float = 20.0) -> str:
    """The output of ``dfu-util -l`` (real USB)."""
    try:
        run = subprocess.run(
            [program, "-l"], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise DfuSessionError(f"{program} is not installed (apt-get install dfu-util)") from None
    except subprocess.TimeoutExpired:
        raise DfuSessionError(f"'{program} -l' did not finish within {timeout:g} s") from None
    return run.stdout + run.stderr


@dataclass(frozen=True)
class FlashTarget:
    """The device to flash: already in DFU mode (``dfu``) or in normal mode (``port``)."""

    platform: Platform
    device_id: str | None
    dfu: DfuDevice | None = None
    port: str | None = None


def locate_target(
    device_id: str | None,
    *,
    lister: Callable[[], str] = list_dfu,
    ports: Callable[[], list[UsbDevice]] = find_devices,
) -> FlashTarget:
    """The one Particle device on USB (or the one with ``device_id``), in either mode."""
    wanted = device_id.lower() if device_id else None
    in_dfu = [d for d in dfu_devices(parse_dfu_list(lister())) if wanted in (None, d.device_id)]
    normal = [d for d in ports() if wanted in (None, d.device_id)]
    found = [FlashTarget(d.platform, d.device_id, dfu=d) for d in in_dfu]
    found += [FlashTarget(d.platform, d.device_id, port=d.port) for d in normal]
    if len(found) == 1:
        return found[0]
    wanted_text = f" with device id {wanted}" if wanted else ""
    if not found:
        raise DfuSessionError(f"no Photon/P1/Electron found on USB{wanted_text}")
    ids = ", ".join(t.device_id or t.port or "?" for t in found)
    raise DfuSessionError(f"several devices found on USB ({ids}): pick one with --device-id")


def enter_dfu_mode(port: str) -> None:
    """The line-coding trick: open ``port`` at 14400 baud and close it; the system firmware
    then resets into the DFU bootloader (real USB, or a virtual device's pty)."""
    try:
        handle = serial.serial_for_url(port, baudrate=ENTER_DFU_BAUD, do_not_open=True)
        handle.dtr = True
        handle.open()
        handle.close()
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DfuSessionError(f"cannot open {port} at {ENTER_DFU_BAUD} baud: {exc}") from None


def wait_for_dfu(
    device_id: str | None,
    platform: Platform,
    *,
    timeout: float = DFU_WAIT,
    lister: Callable[[], str] = list_dfu,
    poll: float = 0.5,
) -> DfuDevice:
    """Poll until the device (same serial number = device id) is listed in DFU mode."""
    device_id, deadline = device_id.lower() if device_id else None, time.monotonic() + timeout
    while True:
        for device in dfu_devices(parse_dfu_list(lister())):
            if device.platform == platform and device_id in (None, device.device_id):
                return device
        if time.monotonic() >= deadline:
            who = f"device {device_id}" if device_id else f"the {platform.name}"
            raise DfuSessionError(f"{who} did not appear in DFU mode within {timeout:g} s")
        time.sleep(poll)


def ensure_dfu(
    target: FlashTarget, *, timeout: float = DFU_WAIT, lister: Callable[[], str] = list_dfu
) -> DfuDevice:
    """The target in DFU mode, switching it over with the 14400-baud trick if needed."""
    if target.dfu is not None:
        return target.dfu
    assert target.port is not None
    enter_dfu_mode(target.port)
    return wait_for_dfu(target.device_id, target.platform, timeout=timeout, lister=lister)


@dataclass(frozen=True)
class DfuProgress:
    """One progress-bar update of dfu-util (``Erase``, ``Download``)."""

    stage: str
    percent: int
    bytes: int


@dataclass(frozen=True)
class DfuResult:
    """How a dfu-util run ended."""

    ok: bool
    returncode: int
    downloaded: bool  # dfu-util printed "File downloaded successfully"
    left: bool  # it submitted the leave request
    errors: tuple[str, ...]  # dfu-util's error lines, each with a hint when one is known
    output: str = field(repr=False)


def parse_progress(piece: str) -> DfuProgress | None:
    """A ``\\rDownload\\t[=====    ]  45%        12288 bytes`` fragment, else None."""
    m = _PROGRESS.match(piece.strip())
    return DfuProgress(m.group(1), int(m.group(3)), int(m.group(4))) if m else None


def explain(line: str) -> str | None:
    """dfu-util's error or warning line with a hint, or None if it is not one."""
    text = line.strip()
    # A plain .bin has no DFU suffix (particle-cli downloads .bin files too): not a problem.
    if "DFU suffix" in text or not text.lower().startswith(("dfu-util:", "error", "cannot")):
        return None
    hint = next((h for pattern, h in _HINTS if pattern in text), None)
    return f"{text} ({hint})" if hint else text


def run_dfu_util(
    argv: Sequence[str],
    *,
    on_progress: Callable[[DfuProgress], None] | None = None,
    timeout: float = DFU_UTIL_TIMEOUT,
) -> DfuResult:
    """Run dfu-util, reporting its progress bar as it goes. Like particle-cli, a run that
    printed "File downloaded successfully" counts as a success even if dfu-util then exits
    non-zero (the device resets during the leave request)."""
    try:
        process = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise DfuSessionError(f"{argv[0]} is not installed (apt-get install dfu-util)") from None
    pieces: list[str] = []
    with process, selectors.DefaultSelector() as selector:
        assert process.stdout is not None
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline, pending = time.monotonic() + timeout, b""
        while True:
            if time.monotonic() >= deadline:
                process.kill()
                raise DfuSessionError(f"dfu-util did not finish within {timeout:g} s")
            if not selector.select(min(1.0, deadline - time.monotonic())):
                continue
            chunk = os.read(process.stdout.fileno(), 4096)
            *done, pending = re.split(rb"[\r\n]", pending + chunk)
            for piece in [*done, *([pending] if not chunk else [])]:
                text = piece.decode("utf-8", errors="replace")
                pieces.append(text)
                progress = parse_progress(text)
                if progress and on_progress:
                    on_progress(progress)
            if not chunk:
                break
        returncode = process.wait()
    output = "\n".join(p for p in pieces if p.strip())
    downloaded = "File downloaded successfully" in output
    return DfuResult(
        ok=returncode == 0 or downloaded,
        returncode=returncode,
        downloaded=downloaded,
        left="Submitting leave request" in output,
        errors=tuple(e for e in map(explain, pieces) if e),
        output=output,
    )
