"""Putting images on devices: YMODEM over the listening-mode serial console."""

from harken.flash.ymodem_sender import (
    FLASHER_BAUD,
    FlashError,
    SendResult,
    Timing,
    YmodemPort,
    crc16_xmodem,
    send_file,
)

__all__ = [
    "FLASHER_BAUD",
    "FlashError",
    "SendResult",
    "Timing",
    "YmodemPort",
    "crc16_xmodem",
    "send_file",
]
