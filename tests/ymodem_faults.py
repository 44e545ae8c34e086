"""A YMODEM sender that misbehaves on purpose: packets dropped, duplicated, swapped, bits
flipped on the line, an early EOT, cancels and user aborts at any stage. Each plan is a list
of raw packets; :func:`play` sends them one by one and records what the device answered to
each, so a test can state both the device's words and what it ends up running."""

from __future__ import annotations

from dataclasses import dataclass, field

from harken.flash.ymodem_sender import (
    CA,
    EOT,
    data_blocks,
    end_of_batch_block,
    frame,
    header_block,
)
from harken.transport.serial_port import SerialPort

PACKET_SILENCE = 0.02
"""A block's answer is one byte; anything the device says after it comes at once."""
FINAL_SILENCE = 0.3
"""After the last packet: texts may follow a cancel."""
ANSWER_TIMEOUT = 5.0


@dataclass
class Played:
    """Every answer, in order, and everything the device wrote."""

    answers: list[bytes] = field(default_factory=list)

    @property
    def text(self) -> bytes:
        return b"".join(self.answers)


def packets(data: bytes, name: str = "image.bin") -> tuple[bytes, list[bytes], bytes, bytes]:
    """(header, data blocks, EOT, end of batch) as particle-cli frames them (CRC 00 00)."""
    header = frame(0, header_block(name, len(data), "particle"), with_crc=False)
    blocks = [
        frame(seq, body, with_crc=False)
        for seq, (_, body) in enumerate(data_blocks(data, "particle"), start=1)
    ]
    end = frame(0, end_of_batch_block("particle"), with_crc=False)
    return header, blocks, bytes([EOT]), end


def flip(packet: bytes, at: int, bit: int = 0x04) -> bytes:
    """``packet`` with one bit of its data field flipped (a line error; the CRC is not fixed)."""
    out = bytearray(packet)
    out[3 + at] ^= bit
    return bytes(out)


SENDER_CANCEL = bytes([CA, CA])
USER_ABORT = b"a"


def play(port: SerialPort, plan: list[bytes], *, type_f: bool = True) -> Played:
    """Type ``f`` (and take the ready line), then send each packet of ``plan`` and collect
    the device's answer to it (until it stays quiet)."""
    played = Played()
    if type_f:
        port.write(b"f")
        played.answers.append(port.read_batch(silence=FINAL_SILENCE, timeout=ANSWER_TIMEOUT))
    for n, packet in enumerate(plan, start=1):
        port.write(packet)
        silence = FINAL_SILENCE if n == len(plan) else PACKET_SILENCE
        played.answers.append(port.read_batch(silence=silence, timeout=ANSWER_TIMEOUT))
    return played
