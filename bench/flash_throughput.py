"""Serial flashing throughput into the device's YMODEM receiver, on the native virtual device
and the QEMU Photon, against the raw speed of the same console link.

    .venv/bin/python bench/flash_throughput.py [--rounds N] [--native-kib N]

Per device, over the console opened at 28800 baud (listening mode):

* raw link: as many bytes as the image has, all 0x00 (a byte the listening console ignores),
  then ``v``, timed from the first byte written until the ``v`` reply has arrived.
* harken's sender (``send_file``), strict (1 KiB STX blocks, real CRCs) and particle-cli's
  framing (128-byte SOH blocks, CRC 00 00, 1 ms between blocks as the CLI does).
* lrzsz's ``sb --1k`` and ``sb`` (128-byte blocks), stdin and stdout on the console.

Only the transfer is timed: from the first data block to the EOT's ACK (harken: as written
and read by a wrapper around the port; sb: its per-block progress line before block 1 and its
"Bytes Sent" line after the EOT's ACK, read off ``sb -vv``'s stderr as it comes). Left out:
the waits before block 0 and before the end-of-batch header (Device OS asks only after 5 s of
silence: sb sits through both), erasing, validation and the restart. Throughput is the
file's size over that time.

Every transfer installs its image: the device restarts into it (QEMU through its runner),
and ``s`` must show its SHA-256 before the next one starts. Two images alternate (product
versions 5 and 6) so that each install changes what ``s`` shows. Native: a synthetic module
of ``--native-kib`` KiB for its slot (the native device does not run what it installs);
QEMU: harken's own QEMU build, restamped (it must boot).

Uses ``$HARKEN_NATIVE_PROGRAM`` and ``$HARKEN_QEMU_BUILD_DIR`` when set; otherwise builds
what is missing in the checkout.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import serial

from harken.emulate.native import NativeDevice
from harken.emulate.qemu import QemuDevice, build_qemu_image, image_path
from harken.flash.serial_flash import FLASH_TIMING
from harken.flash.ymodem_sender import ACK, EOT, FLASHER_BAUD, READY_LINE, Mode, send_file
from harken.protocol.module_binary import parse_module, stamp_module
from harken.protocol.module_layout import ModuleFunction
from harken.transport.serial_port import SerialPort

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic modules and the `s` poll
from running_image import wait_for_sha  # noqa: E402
from synthetic_modules import build_module  # noqa: E402

SETTLE = 0.3
"""After opening at 28800 baud: the device enters listening mode on the line rate."""
IGNORED = 0x00
"""A byte the listening console drops (not a command key, not SOH/STX)."""
VERSION_REPLY = b"system firmware version: "
SB = shutil.which("sb")
SB_TIMEOUT = 120.0
FIRST_BLOCK = b"sent:   1/"
"""sb -vv's progress line printed just before data block 1 (block 0 counts one sector)."""
EOT_ACKED = b"Bytes Sent:"
"""sb -vv prints this as soon as its EOT was acknowledged."""


@dataclass
class Target:
    name: str
    console: str
    images: tuple[bytes, bytes]
    samples: dict[str, list[float]] = field(default_factory=dict)
    sessions: dict[str, list[float]] = field(default_factory=dict)
    installs: int = 0
    resent: dict[str, int] = field(default_factory=dict)  # packets sent again, per sender

    def next_image(self) -> bytes:
        image = self.images[self.installs % 2]
        self.installs += 1
        return image

    def record(self, label: str, seconds: float, session: float) -> None:
        self.samples.setdefault(label, []).append(seconds)
        self.sessions.setdefault(label, []).append(session)


# --- the raw link --------------------------------------------------------------------------


def raw_link(console: str, size: int) -> float:
    """Seconds from the first of ``size`` ignored bytes to the end of the ``v`` reply."""
    with SerialPort(console, FLASHER_BAUD) as port:
        time.sleep(SETTLE)
        port.discard_input()
        started = time.perf_counter()
        port.write(bytes([IGNORED]) * size + b"v")
        reply = port.read_until(b"\r\n", timeout=120.0)
        seconds = time.perf_counter() - started
    if not reply.startswith(VERSION_REPLY):
        raise RuntimeError(f"the console did not ignore {IGNORED:#04x}: {reply[:80]!r}")
    return seconds


# --- harken's sender -----------------------------------------------------------------------


class TimedPort:
    """The sender's port, noting when data block 1 is written and when the EOT's ACK is read."""

    def __init__(self, port: SerialPort) -> None:
        self.port = port
        self.first_block: float | None = None
        self.eot_written = False
        self.eot_acked: float | None = None

    def write(self, data: bytes) -> None:
        if self.first_block is None and data[:1] in (b"\x01", b"\x02") and data[1:2] == b"\x01":
            self.first_block = time.perf_counter()
        self.eot_written = self.eot_written or data == bytes([EOT])
        self.port.write(data)

    def read_until_any(self, expected: Sequence[bytes], timeout: float) -> tuple[int, bytes]:
        found = self.port.read_until_any(expected, timeout)
        if self.eot_written and self.eot_acked is None and found[1][-1:] == bytes([ACK]):
            self.eot_acked = time.perf_counter()
        return found

    def read_batch(self, silence: float = 0.25, timeout: float = 5.0) -> bytes:
        return self.port.read_batch(silence, timeout)

    def span(self) -> float:
        if self.first_block is None or self.eot_acked is None:
            raise RuntimeError("the transfer's first block or the EOT's ACK was not seen")
        return self.eot_acked - self.first_block


Session = tuple[float, float, int]
"""Transfer seconds, session seconds, packets sent again."""


def harken_session(console: str, image: bytes, mode: Mode) -> Session:
    """One ``send_file`` the device accepts."""
    started = time.perf_counter()
    with SerialPort(console, FLASHER_BAUD) as port:
        time.sleep(SETTLE)
        port.discard_input()  # the previous session's texts, unread
        timed = TimedPort(port)
        result = send_file(timed, "firmware.bin", image, mode=mode, timing=FLASH_TIMING)
    return timed.span(), time.perf_counter() - started, result.resent


# --- lrzsz's sb ----------------------------------------------------------------------------


class StderrClock(threading.Thread):
    """Reads sb's stderr as it comes and notes when each marker first appears."""

    def __init__(self, fd: int, markers: Sequence[bytes]) -> None:
        super().__init__(daemon=True)
        self.fd, self.markers = fd, markers
        self.seen: dict[bytes, float] = {}
        self.text = bytearray()

    def run(self) -> None:
        while chunk := os.read(self.fd, 4096):
            now = time.perf_counter()
            self.text += chunk
            for marker in self.markers:
                if marker not in self.seen and marker in self.text:
                    self.seen[marker] = now


def sb_session(console: str, image: bytes, options: Sequence[str], folder: Path) -> Session:
    """One ``sb`` run the device accepts."""
    file = folder / "firmware.bin"
    file.write_bytes(image)
    started = time.perf_counter()
    with serial.Serial(console, FLASHER_BAUD, timeout=10.0) as port:
        time.sleep(SETTLE)
        port.reset_input_buffer()
        port.write(b"f")
        if not port.read_until(READY_LINE).endswith(READY_LINE):
            raise RuntimeError("no YMODEM ready line after 'f'")
        port.read_until(b"\n")
        # pyserial opens non-blocking; sb takes EAGAIN for a timeout and gives up at once.
        flags = fcntl.fcntl(port.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(port.fileno(), fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        sb = subprocess.Popen(
            [str(SB), "--ymodem", "-vv", *options, str(file)],
            stdin=port.fileno(),
            stdout=port.fileno(),
            stderr=subprocess.PIPE,
        )
        assert sb.stderr is not None
        clock = StderrClock(sb.stderr.fileno(), (FIRST_BLOCK, EOT_ACKED))
        clock.start()
        code = sb.wait(SB_TIMEOUT)
        clock.join(5.0)
        sb.stderr.close()
    text = clock.text.decode(errors="replace")
    if code != 0 or "Cancelled" in text or len(clock.seen) < 2:
        raise RuntimeError(f"sb {' '.join(options)} failed ({code}): {text[-400:]!r}")
    span = clock.seen[EOT_ACKED] - clock.seen[FIRST_BLOCK]
    return span, time.perf_counter() - started, text.count("Retry")


# --- running it ----------------------------------------------------------------------------


def flash(target: Target, label: str, run: Callable[[str, bytes], Session]) -> None:
    image = target.next_image()
    seconds, session, resent = run(target.console, image)
    target.resent[label] = target.resent.get(label, 0) + resent
    sha = parse_module(image).sha256.upper()
    after = wait_for_sha(target.console, sha)
    if after is None or after.modules[0].sha256 != sha:
        raise RuntimeError(f"{target.name}: the device does not run the image after {label}")
    target.record(label, seconds, session)


SENDERS: list[tuple[str, str]] = [
    ("harken strict", "1K"),
    ("harken particle", "128"),
    ("sb --1k", "1K"),
    ("sb", "128"),
]


def bench(target: Target, rounds: int, folder: Path) -> None:
    runs: dict[str, Callable[[str, bytes], Session]] = {
        "harken strict": lambda console, image: harken_session(console, image, "strict"),
        "harken particle": lambda console, image: harken_session(console, image, "particle"),
        "sb --1k": lambda console, image: sb_session(console, image, ["--1k"], folder),
        "sb": lambda console, image: sb_session(console, image, [], folder),
    }
    for _ in range(rounds):  # interleaved, so that drift (load, QEMU's pace) hits all alike
        raw = raw_link(target.console, len(target.images[0]))
        target.samples.setdefault("raw", []).append(raw)
        for label, _blocks in SENDERS:
            if label.startswith("sb") and SB is None:
                continue
            flash(target, label, runs[label])
    print(f"  {target.installs} installs, each one running after it ('s' shows its SHA-256)")


def rate(target: Target, label: str) -> float:
    """KiB/s: the image's size over the median time."""
    return len(target.images[0]) / statistics.median(target.samples[label]) / 1024


def report(targets: list[Target]) -> None:
    print()
    print(
        f"  {'device':8s} {'sender':16s} {'blocks':>6s} {'KiB/s':>9s} {'x raw':>6s}"
        f" {'transfer s':>10s} {'session s':>9s}"
    )
    for target in targets:
        raw = rate(target, "raw")
        print(
            f"  {target.name:8s} {'raw link':16s} {'':>6s} {raw:9.1f} {1:6.2f}"
            f" {statistics.median(target.samples['raw']):10.3f}"
        )
        for label, blocks in SENDERS:
            if label in target.samples:
                print(
                    f"  {'':8s} {label:16s} {blocks:>6s} {rate(target, label):9.1f}"
                    f" {rate(target, label) / raw:6.2f}"
                    f" {statistics.median(target.samples[label]):10.3f}"
                    f" {statistics.median(target.sessions[label]):9.1f}"
                )
        if "sb" in target.samples:
            strict = rate(target, "harken strict") / rate(target, "sb --1k")
            particle = rate(target, "harken particle") / rate(target, "sb")
            print(
                f"  {'':8s} harken / sb: strict / sb --1k {strict:.2f},"
                f" particle framing / sb (128-byte) {particle:.2f}"
            )
    resent = [f"{t.name} {label} {n}" for t in targets for label, n in t.resent.items() if n]
    print(f"  packets sent again: {', '.join(resent) or 'none'}")
    sizes = ", ".join(f"{t.name} {len(t.images[0])} bytes" for t in targets)
    print(f"  (medians of the rounds; the image and the raw payload: {sizes})")


def native_images(kib: int) -> tuple[bytes, bytes]:
    mono = ModuleFunction.MONO_FIRMWARE
    v5, v6 = (
        build_module(6, mono, 0, version=2302, product=(6, v), body=kib * 1024) for v in (5, 6)
    )
    return v5, v6


def qemu_images() -> tuple[Path, tuple[bytes, bytes]]:
    elf = image_path("photon")
    if not elf.is_file():
        build_qemu_image("photon")
    own = elf.with_suffix(".bin").read_bytes()
    return elf, (stamp_module(own, 6, 5), stamp_module(own, 6, 6))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--native-kib", type=int, default=256, help="the native image's body")
    args = parser.parse_args()
    if SB is None:
        print("lrzsz's sb is not installed: its rows are left out")
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("native virtual device (photon):")
        with NativeDevice(folder / "native", "photon") as native:
            target = Target("native", native.console, native_images(args.native_kib))
            bench(target, args.rounds, folder)
            targets.append(target)
        print("QEMU Photon (netduino2):")
        elf, images = qemu_images()
        with QemuDevice(folder / "qemu", "photon", image=elf) as qemu:
            target = Target("qemu", qemu.console, images)
            bench(target, args.rounds, folder)
            targets.append(target)
    report(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
