"""Console round-trip latency on the native virtual device, and ARM image sizes.

    .venv/bin/python bench/console_latency.py [--rounds N]

Latency: time from writing a command byte to the pty until its whole reply has been read,
over one open port (how harken's client works) and with a reopen per command (how
particle-cli works). Sizes: flash and RAM of the qemu and photon images from
`arm-none-eabi-size -A`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import serial

from harken.emulate.native import NativeDevice, build_native

ROOT = Path(__file__).resolve().parent.parent
FLASH_SECTIONS = (".isr_vector", ".modinfo", ".text", ".ARM.exidx", ".init_array", ".data")
RAM_SECTIONS = (".data", ".bss", ".noinit")


def read_reply(port: serial.Serial, end: bytes) -> None:
    buf = b""
    while not buf.endswith(end):
        chunk = port.read(port.in_waiting or 1)
        if not chunk:
            raise TimeoutError(f"no complete reply (got {buf!r})")
        buf += chunk


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.3f} ms   p99 {p99 * 1000:7.3f} ms   "
        f"max {ordered[-1] * 1000:7.3f} ms   (n={len(ordered)})"
    )


def bench_latency(console: str, rounds: int) -> None:
    commands = ((b"i", b"\r\n"), (b"s", b"}\r\n"))
    with serial.Serial(console, 9600, timeout=2) as port:
        for command, end in commands:
            samples = []
            for _ in range(rounds):
                start = time.perf_counter()
                port.write(command)
                read_reply(port, end)
                samples.append(time.perf_counter() - start)
            print(f"  '{command.decode()}' one open port      {percentiles(samples)}")
    for command, end in commands:
        samples = []
        for _ in range(max(10, rounds // 5)):
            start = time.perf_counter()
            with serial.Serial(console, 9600, timeout=2) as port:
                port.write(command)
                read_reply(port, end)
            samples.append(time.perf_counter() - start)
        print(f"  '{command.decode()}' reopen per command  {percentiles(samples)}")


def image_sizes() -> None:
    pio = Path(sys.executable).with_name("pio")
    subprocess.run(
        [str(pio), "run", "-e", "qemu", "-e", "photon"], cwd=ROOT, check=True, capture_output=True
    )
    for env in ("qemu", "photon"):
        elf = ROOT / ".pio" / "build" / env / "firmware.elf"
        out = subprocess.run(
            ["arm-none-eabi-size", "-A", "-d", str(elf)], check=True, capture_output=True, text=True
        ).stdout
        sizes = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                sizes[parts[0]] = int(parts[1])
        flash = sum(sizes.get(s, 0) for s in FLASH_SECTIONS)
        ram = sum(sizes.get(s, 0) for s in RAM_SECTIONS)
        print(f"  {env:7s} flash {flash:7d} bytes   RAM {ram:6d} bytes (static; no heap)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    build_native()
    print("console round trip, native virtual device (photon):")
    with tempfile.TemporaryDirectory() as state, NativeDevice(Path(state), "photon") as device:
        bench_latency(device.console, args.rounds)
    print("firmware images:")
    image_sizes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
