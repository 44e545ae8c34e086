"""Real images changed the ways a firmware update can go wrong (or differ harmlessly), each
resealed so that only the change itself is wrong."""

from __future__ import annotations

from typing import Any

from harken.protocol.module_binary import (
    PREFIX,
    PREFIX_SIZE,
    device_prefix_offset,
    parse_module,
    seal_module,
)

YMODEM_BLOCK = 1024


def with_prefix(data: bytes, **fields: Any) -> bytes:
    """``data`` with prefix fields replaced (``version=``, ``platform_id=`` …), resealed."""
    offset = device_prefix_offset(data)
    prefix = dict(PREFIX.parse(data[offset : offset + PREFIX_SIZE]))
    prefix.update(fields)
    edited = data[:offset] + PREFIX.build(prefix) + data[offset + PREFIX_SIZE :]
    return seal_module(edited)


def moved(data: bytes, offset: int) -> bytes:
    """``data`` as if linked ``offset`` bytes further on (start and end move), resealed."""
    image = parse_module(data)
    return with_prefix(
        data, start_address=image.start_address + offset, end_address=image.end_address + offset
    )


def block_padded(data: bytes) -> bytes:
    """``data`` as a receiver stages it: whole YMODEM blocks, zero-padded."""
    return data.ljust(-(-len(data) // YMODEM_BLOCK) * YMODEM_BLOCK, b"\0")


def bit_flipped(data: bytes, at: int) -> bytes:
    """``data`` with one bit changed at ``at`` (not resealed: the CRC no longer matches)."""
    damaged = bytearray(data)
    damaged[at] ^= 0x10
    return bytes(damaged)
