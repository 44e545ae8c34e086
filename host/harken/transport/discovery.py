"""Find Particle Gen 2 devices on USB and put them into listening mode.

A device is a USB CDC port with vendor id 0x2B04 and the platform's serial product id; its
device id is the 24-hex-digit USB serial number, lower-cased. Opening the port at 28800 baud
makes the device enter listening mode (14400 would reboot it into DFU: never used here).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import serial
from serial.tools import list_ports

from harken.errors import HarkenError
from harken.protocol.platform import PARTICLE_USB_VID, Platform, platform_by_cdc_pid
from harken.transport.serial_port import TransportError

LISTEN_BAUD = 28800
LISTEN_SETTLE = 1.0
"""Seconds to give the device to enter listening mode after the 28800-baud trick."""

_DEVICE_ID = re.compile(r"[0-9A-Fa-f]{24}")


class DiscoveryError(HarkenError):
    """No device, or more than one, where exactly one was needed."""


@dataclass(frozen=True)
class UsbDevice:
    """A Particle device's serial port found on USB."""

    port: str
    platform: Platform
    device_id: str | None
    description: str


def device_id_from_serial(serial_number: str | None) -> str | None:
    """The first 24-hex-digit run of a USB serial number (or Windows PnP id), lower-cased."""
    if not serial_number:
        return None
    match = _DEVICE_ID.search(serial_number)
    return match.group(0).lower() if match else None


def find_devices() -> list[UsbDevice]:
    """Every Photon, P1 and Electron serial port currently on USB, sorted by port."""
    found: list[UsbDevice] = []
    for info in list_ports.comports():
        if info.vid != PARTICLE_USB_VID or info.pid is None:
            continue
        platform = platform_by_cdc_pid(info.pid)
        if platform is None:
            continue
        found.append(
            UsbDevice(
                port=info.device,
                platform=platform,
                device_id=device_id_from_serial(info.serial_number or info.hwid),
                description=info.description or platform.product,
            )
        )
    return sorted(found, key=lambda d: d.port)


def find_device(device_id: str | None = None) -> UsbDevice:
    """The single attached device (or the one with ``device_id``)."""
    devices = find_devices()
    if device_id is not None:
        devices = [d for d in devices if d.device_id == device_id.lower()]
    if not devices:
        raise DiscoveryError("no Particle Photon/P1/Electron serial port found on USB")
    if len(devices) > 1:
        ports = ", ".join(d.port for d in devices)
        raise DiscoveryError(f"several Particle devices found on USB: {ports}")
    return devices[0]


def enter_listening_mode(port: str, settle: float = LISTEN_SETTLE) -> None:
    """Open ``port`` at 28800 baud and close it again, then wait ``settle`` seconds."""
    try:
        handle = serial.serial_for_url(port, baudrate=LISTEN_BAUD, do_not_open=True)
        handle.dtr = True
        handle.open()
        handle.close()
    except (serial.SerialException, OSError, ValueError) as exc:
        raise TransportError(f"cannot open {port} at {LISTEN_BAUD} baud: {exc}") from None
    time.sleep(settle)
