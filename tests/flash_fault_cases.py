"""Broken transfers into a device's YMODEM receiver: bit flips, dropped, duplicated and
reordered packets, an early EOT, cancels and user aborts at every stage, a foreign image, an
oversize one. After each, the device must say why, keep running its old image and keep its
console; the one harmless fault (a duplicate) must still deliver the file whole.

The cases are shared: tests/flash/test_flash_faults.py runs them on the native device and
tests/qemu/test_qemu_flash_faults.py on QEMU, each providing a module-scoped ``target`` (one
device serves every case: each must leave it as it was, which is what is being tested)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from flash_images import FlashImages
from harken.console.client import ConsoleClient
from harken.emulate.native import NativeDevice
from harken.emulate.qemu import QemuDevice
from harken.flash.ymodem_sender import FLASHER_BAUD, frame, header_block
from harken.protocol.describe import SystemDescribe
from harken.transport.serial_port import SerialPort
from ymodem_faults import SENDER_CANCEL, USER_ABORT, Played, flip, packets, play

READY = b"Waiting for the binary file to be sent ... (press 'a' to abort)\r\n"
ACK, NAK, CAN = b"\x06", b"\x15", b"\x18"
FAILED = b"Failed to receive the file!\r\n"


@dataclass
class Target:
    device: NativeDevice | QemuDevice
    images: FlashImages
    kind: str

    def describe(self) -> SystemDescribe:
        with ConsoleClient(SerialPort(self.device.console, FLASHER_BAUD)) as client:
            return client.inspect(timeout=10.0)


@pytest.fixture
def port(target: Target) -> Iterator[SerialPort]:
    """The console at 28800 baud (listening mode), checked unchanged afterwards."""
    before = target.describe()
    with SerialPort(target.device.console, FLASHER_BAUD) as port:
        yield port
    after = target.describe()
    assert after.modules[0].sha256 == before.modules[0].sha256, "the running image changed"
    assert after.product_version == before.product_version


def _refused(played: Played, code: int) -> None:
    assert played.answers[-1] == CAN * 2 + f"Validation failed: {code}\r\n".encode()


def test_a_bit_flipped_on_the_line_fails_the_integrity_check(target: Target, port: SerialPort):
    header, blocks, eot, end = packets(target.images.good)
    blocks[7] = flip(blocks[7], 33)  # particle-cli's CRC is 00 00: the device cannot tell
    played = play(port, [header, *blocks, eot, end])
    assert played.answers[0] == READY
    assert played.answers[1] == ACK + b"C"
    assert all(a == ACK for a in played.answers[2:-1])
    _refused(played, -1330)


def test_a_dropped_packet_is_refused_block_by_block_then_the_file(target: Target, port: SerialPort):
    header, blocks, eot, end = packets(target.images.good)
    lost = len(blocks) - 6  # near the end: no sequence-number wrap brings it back in step
    played = play(port, [header, *blocks[:lost], *blocks[lost + 1 :], eot, end])
    answers = played.answers[2:-2]
    assert answers[:lost] == [ACK] * lost
    assert answers[lost:] == [NAK] * 5  # every later block has the wrong sequence number
    assert played.answers[-2] == ACK  # a single EOT is taken
    assert played.answers[-1].startswith(CAN * 2 + b"Validation failed: -13")


def test_a_duplicated_packet_is_nakked_and_the_file_still_arrives_whole(
    target: Target, port: SerialPort
):
    header, blocks, eot, _ = packets(target.images.good)
    played = play(port, [header, *blocks[:5], blocks[4], *blocks[5:], eot, SENDER_CANCEL])
    assert played.answers[2 + 5] == NAK  # Device OS NAKs the retransmission
    assert played.answers[2 + 6 :][:-2] == [ACK] * (len(blocks) - 5)
    # The file was whole; the test cancels instead of installing it (the device must stay).
    assert played.answers[-1] == ACK + CAN * 2 + FAILED


def test_swapped_packets_leave_a_hole_and_the_file_is_refused(target: Target, port: SerialPort):
    header, blocks, eot, end = packets(target.images.good)
    blocks[20], blocks[21] = blocks[21], blocks[20]
    played = play(port, [header, *blocks, eot, end])
    assert played.answers[2 + 20] == NAK and played.answers[2 + 21] == ACK
    assert played.answers[-1].startswith(CAN * 2 + b"Validation failed: -13")


def test_an_early_eot_ends_a_file_the_device_refuses(target: Target, port: SerialPort):
    header, blocks, eot, end = packets(target.images.good)
    played = play(port, [header, *blocks[: len(blocks) // 2], eot, end])
    assert played.answers[-2] == ACK
    assert re.fullmatch(rb"\x18\x18Validation failed: -13[0-9]0\r\n", played.answers[-1])


@pytest.mark.parametrize("stage", ["after the header", "mid-file", "before the end of batch"])
def test_a_sender_cancel_at_any_stage_is_answered_and_nothing_staged(
    target: Target, port: SerialPort, stage: str
):
    header, blocks, eot, _ = packets(target.images.good)
    sent = {
        "after the header": [header],
        "mid-file": [header, *blocks[:12]],
        "before the end of batch": [header, *blocks, eot],
    }[stage]
    played = play(port, [*sent, SENDER_CANCEL])
    assert played.answers[-1] == ACK + CAN * 2 + FAILED


@pytest.mark.parametrize("after", [0, 1, 30])
def test_a_user_abort_stops_the_transfer(target: Target, port: SerialPort, after: int):
    header, blocks, _, _ = packets(target.images.good)
    played = play(port, [header, *blocks[:after], USER_ABORT])
    assert played.answers[-1] == CAN * 4 + b"Aborted by user.\r\n"


def test_an_image_for_another_platform_is_refused(target: Target, port: SerialPort):
    header, blocks, eot, end = packets(target.images.foreign)
    played = play(port, [header, *blocks, eot, end])
    _refused(played, -1360)


def test_a_file_larger_than_the_slot_is_refused_at_its_header(target: Target, port: SerialPort):
    header = frame(0, header_block("huge.bin", 0x60001, "particle"), with_crc=False)
    played = play(port, [header])
    assert played.answers[-1] == (
        CAN * 4 + b"The file size is higher than the allowed space memory!\r\n"
    )


def test_the_console_works_after_a_bare_stx_that_goes_nowhere(target: Target, port: SerialPort):
    # A stray STX starts the receiver; a packet whose sequence bytes disagree is an error,
    # answered 'C'; 'a' ends it.
    played = play(port, [b"\x02" + bytes([5, 5]) + bytes(1026), USER_ABORT], type_f=False)
    assert played.answers == [b"C", CAN * 4 + b"Aborted by user.\r\n"]
    port.write(b"v")
    assert port.read_batch(silence=0.2, timeout=3.0).startswith(b"system firmware version: ")
