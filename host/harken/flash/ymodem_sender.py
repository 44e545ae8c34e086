"""YMODEM sender: hands a file to a Gen 2 device's listening-mode receiver (flashing.md §3,
protocol/ymodem.md) or to any YMODEM-CRC batch receiver such as lrzsz's ``rb``.

Two framings:

* ``particle``: particle-cli up to 3.19 byte for byte: ``f`` and its ready line, 128-byte SOH
  blocks zero padded (an empty file still gets one), CRC ``00 00``, one EOT, the end-of-batch
  header ``"\\0" "0 "``, and ``a`` written on any error. Anything but ACK ends the transfer.
* ``strict``: textbook YMODEM-CRC: real CRC-16/XMODEM, 1024-byte STX blocks and a 128-byte SOH
  block whenever less than 897 bytes remain, so padding (SUB) stays under 128 bytes as with
  particle-cli (Device OS writes the padding to flash too); an all-zero end-of-batch header;
  resends when the receiver asks (NAK, or ``C``, which is how Device OS reports a bad packet).

The receiver's answers drive the resends: our waits outlast the receivers' own (Device OS
sends ``C`` after 5 s of silence, ``rb`` NAKs after 10 s), and silence is resent only once, as
resending unasked breeds stale ACKs (Device OS NAKs a duplicate, so they never resynchronise).
"""

from __future__ import annotations

import binascii
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Event
from typing import Literal, Protocol

from harken.errors import HarkenError
from harken.transport.serial_port import ReadTimeout, TransportError

SOH, STX, EOT, ACK, NAK, CA, SUB = 0x01, 0x02, 0x04, 0x06, 0x15, 0x18, 0x1A
FLASH_KEY, USER_ABORT = b"f", b"a"  # console keys: start the receiver, abort it
READY_LINE = b"Waiting for the binary file to be sent ... (press 'a' to abort)"
FLASHER_BAUD = 28800  # opening the port at this rate enters listening mode (particle-cli does)
_ANSWERS = (bytes([ACK]), bytes([NAK]), bytes([CA]), b"C")
_NAMES = {ACK: "ACK", NAK: "NAK", CA: "CA", ord("C"): "'C'"}

Mode = Literal["particle", "strict"]


class FlashError(HarkenError):
    """The file did not reach the device. ``device_said`` is the device's text, if any."""

    def __init__(self, message: str, device_said: str = "") -> None:
        super().__init__(message)
        self.device_said = device_said


class YmodemPort(Protocol):
    """What the sender needs of a :class:`~harken.transport.serial_port.SerialPort`."""

    def write(self, data: bytes) -> None: ...

    def read_until_any(self, expected: Sequence[bytes], timeout: float) -> tuple[int, bytes]: ...

    def read_batch(self, silence: float = ..., timeout: float = ...) -> bytes: ...


@dataclass(frozen=True)
class Timing:
    """Every wait of a session, in seconds."""

    ready: float = 10.0  # particle-cli's wait for the ready line (or a 'C') after 'f'
    grace: float = 2.0  # strict: wait this long for the receiver's 'C', then go on anyway
    settle: float = 0.1  # strict: pause after a 'C' or NAK: rb discards its input after one
    block: float = 15.0  # answer to a data block or EOT (above the receivers' own timeouts)
    header: float = 70.0  # answer to block 0: Device OS erases the OTA region first
    finish: float = 70.0  # answer to the end of the batch: Device OS validates the image first
    words: float = 1.0  # the device's text after a cancel


@dataclass(frozen=True)
class SendResult:
    """A file the receiver acknowledged to the end of the batch."""

    name: str
    size: int
    blocks: int  # data blocks (header, EOT and end of batch not counted)
    resent: int  # packets sent again because the receiver asked or stayed silent
    seconds: float

    @property
    def bytes_per_second(self) -> float:
        return self.size / self.seconds if self.seconds > 0 else 0.0


def crc16_xmodem(data: bytes) -> int:
    """CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final XOR)."""
    return binascii.crc_hqx(data, 0)  # the same CRC, computed in C


def frame(seq: int, body: bytes, *, with_crc: bool) -> bytes:
    """One packet: SOH for a 128-byte body, STX for 1024, the CRC high byte first."""
    if len(body) not in (128, 1024):
        raise ValueError(f"a YMODEM block holds 128 or 1024 bytes, not {len(body)}")
    check = crc16_xmodem(body) if with_crc else 0
    start = (SOH if len(body) == 128 else STX, seq & 0xFF, 0xFF - (seq & 0xFF))
    return bytes(start) + body + check.to_bytes(2, "big")


def header_block(name: str, size: int, mode: Mode, mtime: int | None = None) -> bytes:
    """Block 0's body. particle-cli: ``name NUL size SP``. strict: ``name NUL size``, plus,
    given ``mtime``, the fields lrzsz's sz adds: mtime and mode in octal, serial 0, one file
    and ``size`` bytes remaining."""
    raw = name.encode("utf-8")
    if not raw or 0 in raw:
        raise ValueError("the file name must be non-empty and free of NUL bytes")
    info = f"{size} " if mode == "particle" else f"{size}"
    if mode == "strict" and mtime is not None:
        info += f" {mtime:o} {0o100644:o} 0 1 {size}"
    body = raw + b"\0" + info.encode("ascii")
    limit = 128 if mode == "particle" or len(body) <= 128 else 1024
    if len(body) > limit:
        raise ValueError(f"the file name is too long for block 0 ({len(body)} > {limit} bytes)")
    return body.ljust(limit, b"\0")


def end_of_batch_block(mode: Mode) -> bytes:
    """The empty header: particle-cli still writes a size, textbook YMODEM nothing."""
    return (b"\x000 " if mode == "particle" else b"").ljust(128, b"\0")


def data_blocks(data: bytes, mode: Mode) -> list[tuple[int, bytes]]:
    """(offset, padded body) of each data block."""
    if mode == "particle":
        offsets = range(0, max(len(data), 1), 128)  # particle-cli sends one block for 0 bytes
        return [(o, data[o : o + 128].ljust(128, b"\0")) for o in offsets]
    blocks, offset = [], 0
    while offset < len(data):
        size = 1024 if len(data) - offset > 1024 - 128 else 128
        blocks.append((offset, data[offset : offset + size].ljust(size, bytes([SUB]))))
        offset += size
    return blocks


def send_file(
    port: YmodemPort,
    name: str,
    data: bytes,
    *,
    mode: Mode = "strict",
    progress: Callable[[int, int], None] | None = None,
    type_f: bool | None = None,
    mtime: int | None = None,
    timing: Timing = Timing(),
    max_retries: int = 10,
    cancel: Event | None = None,
) -> SendResult:
    """Send one file as a YMODEM batch over ``port`` and return once the receiver has
    acknowledged the end of the batch (Device OS: the image passed validation; its
    "Downloaded file successfully!" text stays unread in the port).

    ``type_f``: type the console's ``f`` and wait for the ready line first (default: in
    particle mode only; strict mode without it starts Device OS's receiver with the header
    itself). ``progress(done, total)`` follows each acknowledged data block. Setting ``cancel``
    aborts before the next block (``a`` in particle mode, CA CA in strict mode). Raises
    :class:`FlashError` naming what the device answered; every wait is bounded by ``timing``.
    """
    started = time.monotonic()
    header, blocks = header_block(name, len(data), mode, mtime), data_blocks(data, mode)
    session = _Session(port, mode, timing, max_retries, cancel)
    try:
        session.start(type_f if type_f is not None else mode == "particle")
        session.deliver_header(header, name, len(data))
        for seq, (offset, body) in enumerate(blocks, start=1):
            session.check_cancel()
            if mode == "particle" and seq > 1:
                time.sleep(0.001)  # particle-cli pauses 1 ms between blocks
            what = f"block {seq} (offset {offset})"
            session.deliver(frame(seq, body, with_crc=mode == "strict"), what, timing.block)
            if progress is not None:
                progress(min(offset + len(body), len(data)), len(data))
        session.check_cancel()
        session.deliver(bytes([EOT]), "the end of the file (EOT)", timing.block)
        if mode == "strict":
            session.wait_for_crc_request(timing.grace)  # Device OS sends none: go on after grace
        final = frame(0, end_of_batch_block(mode), with_crc=mode == "strict")
        session.deliver(final, "the end of the batch", timing.finish, refusal="refused the image")
    except FlashError:
        if mode == "particle" and not session.aborted:  # particle-cli writes 'a' on any error
            with contextlib.suppress(TransportError, OSError):
                port.write(USER_ABORT)
        raise
    elapsed = time.monotonic() - started
    return SendResult(name, len(data), len(blocks), session.resent, elapsed)


class _Session:
    def __init__(
        self, port: YmodemPort, mode: Mode, timing: Timing, retries: int, cancel: Event | None
    ) -> None:
        self._port, self._particle, self._timing = port, mode == "particle", timing
        self._retries, self._cancel = retries, cancel
        self.aborted, self.resent = False, 0

    def start(self, type_f: bool) -> None:
        if type_f:
            self._port.write(FLASH_KEY)
            try:
                index, _ = self._port.read_until_any((READY_LINE, b"C"), self._timing.ready)
            except ReadTimeout:
                raise FlashError(
                    f"the device did not answer 'f' with the YMODEM ready line within "
                    f"{self._timing.ready:.1f} s (is it in listening mode?)"
                ) from None
            if index == 1:
                return  # the receiver already asks for the header
            with contextlib.suppress(ReadTimeout):
                self._port.read_until_any((b"\n",), self._timing.words)
        if not self._particle:
            self.wait_for_crc_request(self._timing.grace)

    def wait_for_crc_request(self, timeout: float) -> bool:
        try:
            self._port.read_until_any((b"C",), timeout)
        except ReadTimeout:
            return False
        if not self._particle:
            time.sleep(self._timing.settle)
        return True

    def deliver_header(self, body: bytes, name: str, size: int) -> None:
        refusal = f"refused the file {name!r} ({size} bytes)"
        packet = frame(0, body, with_crc=not self._particle)
        self.deliver(packet, "the file header (block 0)", self._timing.header, refusal=refusal)
        # The receiver follows the header's ACK with a 'C': consume it, or it reads as NAK later
        waited = self._timing.header if self._particle else self._timing.grace
        if not self.wait_for_crc_request(waited) and self._particle:
            raise FlashError(f"the device sent no 'C' after the header's ACK within {waited} s")

    def deliver(self, packet: bytes, what: str, timeout: float, *, refusal: str = "") -> None:
        """Send ``packet`` until the receiver ACKs it."""
        refusal = refusal or f"cancelled the transfer at {what}"
        silences, last = 0, ""
        for attempt in range(self._retries + 1):
            if attempt:
                self.resent += 1
                time.sleep(self._timing.settle)
            self._port.write(packet)
            answer = self._answer(what, timeout, refusal)
            if answer == ACK:
                return
            last = _NAMES.get(answer, "?") if answer is not None else f"none within {timeout} s"
            if self._particle:  # particle-cli: "Transfer cancelled" / "unknown message"
                raise FlashError(f"the device answered {last} to {what} (expected ACK)")
            silences += answer is None
            if silences == 2:
                break
        raise FlashError(
            f"the device did not accept {what}: {attempt + 1} attempts, last answer {last}"
        )

    def _answer(self, what: str, timeout: float, refusal: str) -> int | None:
        """The receiver's next control byte; None after ``timeout`` of silence. Strict mode
        skips noise; particle-cli judges the first byte. A CA must be followed by a second
        (particle-cli takes any byte) to cancel."""
        try:
            _, got = self._port.read_until_any(_ANSWERS, timeout)
        except ReadTimeout as exc:
            if not self._particle:
                return None
            heard = f"unknown answer {exc.received[0]:#04x}" if exc.received else "no answer"
            raise FlashError(f"{heard} from the device to {what} within {timeout} s") from None
        if self._particle and len(got) > 1:
            raise FlashError(f"unknown answer {got[0]:#04x} to {what}")
        if got[-1] != CA:
            return got[-1]
        try:
            _, more = self._port.read_until_any(_ANSWERS, self._timing.words)
        except ReadTimeout:
            more = b""
        if more[-1:] == bytes([CA]) or self._particle:
            said = self._words()
            tail = f": {said}" if said else " (CA CA and no text)"
            raise FlashError(f"the device {refusal}{tail}", said)
        return more[-1] if more else None

    def check_cancel(self) -> None:
        if self._cancel is None or not self._cancel.is_set():
            return
        self.aborted = True
        self._port.write(USER_ABORT if self._particle else bytes([CA, CA]))
        said = self._words()
        raise FlashError(
            "the transfer was aborted on request; the device answered: " + (said or "nothing"),
            said,
        )

    def _words(self) -> str:
        """The device's text until it pauses, without control bytes, as one line."""
        try:
            raw = self._port.read_batch(silence=0.25, timeout=self._timing.words)
        except ReadTimeout:
            return ""
        text = bytes(b for b in raw if b >= 0x20 or b in b"\r\n").decode("latin-1")
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
