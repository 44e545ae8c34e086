"""The firmware builds: C++ unit tests on the host, ARM images that are Particle modules,
and the real Cortex-M3 image answering the console under QEMU netduino2."""

from __future__ import annotations

import os
import select
import struct
import subprocess
import time
from pathlib import Path

import pytest

from firmware_build import ARM_ENVS, image, pio
from harken.protocol.describe import parse_describe

MODULE_FUNCTION_MONOLITHIC = 3
EXPECTED = {  # env: (platform id, module start address)
    "qemu": (6, 0x08000000),
    "photon": (6, 0x08020000),
    "p1": (8, 0x08020000),
    "electron": (10, 0x08020000),
}


def test_core_unit_tests_pass() -> None:
    run = pio("test", "-e", "native", build_dir=".pio/build-test")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "[PASSED]" in run.stdout and "FAILED" not in run.stdout


@pytest.fixture(scope="module")
def arm_images() -> dict[str, bytes]:
    run = pio("run", *(arg for env in ARM_ENVS for arg in ("-e", env)))
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.stdout.count("Flash: [") == len(ARM_ENVS)  # sizes are reported per image
    return {env: image(env).read_bytes() for env in ARM_ENVS}


@pytest.mark.parametrize("env", ARM_ENVS)
def test_arm_image_carries_its_module_prefix(arm_images: dict[str, bytes], env: str) -> None:
    data = arm_images[env]
    platform_id, start = EXPECTED[env]
    stack, reset = struct.unpack_from("<II", data, 0)
    assert stack & 0x2FF10000 == 0x20000000  # an SRAM stack pointer: prefix at 0x184
    assert start <= reset < start + len(data)
    begin, end, _reserved, flags, version, platform, function, index = struct.unpack_from(
        "<IIBBHHBB", data, 0x184
    )
    assert (begin, end) == (start, start + len(data) - 4)  # the CRC-32 follows the end
    assert (flags, version, platform, function, index) == (
        0,
        2302,
        platform_id,
        MODULE_FUNCTION_MONOLITHIC,
        0,
    )
    assert data[0x184 + 16 : 0x184 + 24] == bytes(8)  # no dependencies


HEAP_OR_EXCEPTIONS = ("malloc", "_malloc_r", "_sbrk", "__cxa_throw", "__gxx_personality_v0")


@pytest.mark.parametrize("env", ARM_ENVS)
def test_arm_image_has_no_heap_and_no_exceptions(arm_images: dict[str, bytes], env: str) -> None:
    symbols = subprocess.run(
        ["arm-none-eabi-nm", str(image(env, "firmware.elf"))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert "Reset_Handler" in symbols
    assert not [s for s in HEAP_OR_EXCEPTIONS if s in symbols]


class QemuConsole:
    """The qemu image on netduino2 with USART1 on stdio and its DCT file in `workdir`."""

    def __init__(self, workdir: Path) -> None:
        self.proc = subprocess.Popen(
            [
                "qemu-system-arm",
                "-M",
                "netduino2",
                "-nographic",
                "-semihosting",
                "-kernel",
                str(image("qemu", "firmware.elf")),
            ],
            cwd=workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Bytes sent before USART1 is enabled are lost, as on hardware: wait for the
        # firmware's semihosted log line saying listening mode is up.
        assert self.proc.stderr
        log = b""
        deadline = time.monotonic() + 20
        while b"[listening] entered" not in log and time.monotonic() < deadline:
            if select.select([self.proc.stderr], [], [], 0.1)[0]:
                log += os.read(self.proc.stderr.fileno(), 4096)
        assert b"[listening] entered" in log, log

    def ask(self, data: bytes, until: bytes, timeout: float = 10.0) -> bytes:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        out = b""
        deadline = time.monotonic() + timeout
        while until not in out and time.monotonic() < deadline:
            if select.select([self.proc.stdout], [], [], 0.1)[0]:
                out += os.read(self.proc.stdout.fileno(), 4096)
        return out

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


def test_qemu_image_runs_the_console_and_keeps_its_config(
    arm_images: dict[str, bytes], tmp_path: Path
) -> None:
    code = b"Q" * 63
    qemu = QemuConsole(tmp_path)
    try:
        assert b"Your device id is " in qemu.ask(b"i", b"\r\n")
        describe = parse_describe(qemu.ask(b"s", b"}\r\n").decode())
        assert describe.platform_id == 6
        module = describe.modules[0]
        # On the ARM build the integrity (CRC), platform, dependency and address-range
        # checks are real.
        assert (module.validity_checked, module.validity_passed, module.function) == (30, 30, "m")
        done = b"Claim code set to: " + code + b"\r\n"
        assert qemu.ask(b"C" + code + b"\n", done).endswith(done)
    finally:
        qemu.close()
    qemu = QemuConsole(tmp_path)  # a power cycle: the semihosted DCT file persists
    try:
        assert qemu.ask(b"c", b"\r\n") == b"Device claimed: no\r\n"
    finally:
        qemu.close()
    dct = (tmp_path / "harken-dct.bin").read_bytes()
    assert code in dct
