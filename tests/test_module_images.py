"""The ARM images are valid Particle modules (spec module-format.md §1-§6, product-id.md §3),
checked with plain struct, hashlib and zlib on whatever ``pio run`` left in .pio/build: an env
whose firmware.bin is missing is skipped, nothing is built here. The QEMU images are also
booted (from their ELF, as the harness does) to see the device check its own CRC and run with
the product fields its suffix carries."""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from platformio.project.config import ProjectConfig

from firmware_build import ROOT, image
from harken.protocol.dct import decode_app_dct
from harken.protocol.store import current_sector

ENVS = {  # env: (platform id, module start address)
    "photon": (6, 0x08020000),
    "p1": (8, 0x08020000),
    "electron": (10, 0x08020000),
    "qemu": (6, 0x08000000),
    "qemu_p1": (8, 0x08000000),
    "qemu_electron": (10, 0x08000000),
}
QEMU_ENVS = [env for env in ENVS if env.startswith("qemu")]
PREFIX = struct.Struct("<IIBBHHBB4s4s")  # module_info_t
MONOLITHIC, MODULE_VERSION = 3, 2302
INTEGRITY, ALL_CHECKS = 0x02, 0x02 | 0x04 | 0x08 | 0x10


def built(env: str) -> bytes:
    path = image(env)
    if not path.is_file():
        pytest.skip(f"{path} not built (pio run -e {env})")
    return path.read_bytes()


def expected_product(env: str) -> tuple[int, int]:
    """custom_product_id/custom_product_version of the env; unset: platform id, 0xFFFF."""
    config = ProjectConfig(str(ROOT / "platformio.ini"))
    pid = config.get(f"env:{env}", "custom_product_id", None)
    version = config.get(f"env:{env}", "custom_product_version", None)
    return (
        int(str(pid), 0) if pid is not None else ENVS[env][0],
        int(str(version), 0) if version is not None else 0xFFFF,
    )


def elf_flash_image(elf: bytes, start: int) -> bytes:
    """The bytes a loader puts in flash from ``start``: every PT_LOAD segment with file
    contents at its physical (load) address, gaps as zeros."""
    assert elf[:6] == b"\x7fELF\x01\x01"  # ELF32, little-endian
    (phoff,) = struct.unpack_from("<I", elf, 28)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    out = bytearray()
    loads = []
    for i in range(phnum):
        kind, offset, _vaddr, paddr, filesz = struct.unpack_from("<5I", elf, phoff + i * phentsize)
        if kind == 1 and filesz:
            loads.append((paddr, offset, filesz))
    for paddr, offset, filesz in sorted(loads):
        assert paddr >= start, f"a segment loads at 0x{paddr:08x}, before the module"
        at = paddr - start
        assert at >= len(out), "segments overlap"
        out += bytes(at - len(out)) + elf[offset : offset + filesz]
    return bytes(out)


@pytest.mark.parametrize("env", ENVS)
def test_prefix_sits_after_the_vector_table_and_ends_at_the_crc(env: str) -> None:
    data = built(env)
    platform_id, start = ENVS[env]
    (stack,) = struct.unpack_from("<I", data, 0)
    assert stack & 0x2FF10000 == 0x20000000  # device rule: prefix at 0x184
    begin, end, reserved, flags, version, platform, function, index, dep1, dep2 = (
        PREFIX.unpack_from(data, 0x184)
    )
    assert begin == start
    assert end == start + len(data) - 4  # file length = end - start + 4
    assert (reserved, flags, version, platform, function, index) == (
        0,
        0,
        MODULE_VERSION,
        platform_id,
        MONOLITHIC,
        0,
    )
    assert dep1 == dep2 == bytes(4)


@pytest.mark.parametrize("env", ENVS)
def test_suffix_carries_the_products_sha_and_crc(env: str) -> None:
    data = built(env)
    filler, pid, version, reserved = struct.unpack_from("<4sHHH", data, len(data) - 48)
    sha, size = data[-38:-6], struct.unpack("<H", data[-6:-4])[0]
    (crc,) = struct.unpack(">I", data[-4:])
    assert filler == b"\xff" * 4
    assert (pid, version) == expected_product(env)
    assert reserved == 0 and size == 40
    assert sha == hashlib.sha256(data[:-38]).digest()  # everything before the SHA field
    assert crc == zlib.crc32(data[:-4])  # everything before the CRC, stored big-endian


@pytest.mark.parametrize("env", ENVS)
def test_elf_loads_exactly_the_bin(env: str) -> None:
    data = built(env)
    elf = image(env, "firmware.elf").read_bytes()
    assert elf_flash_image(elf, ENVS[env][1]) == data


# --- the QEMU images running -----------------------------------------------------------


class Qemu:
    """An image on QEMU netduino2, USART1 on stdio, its semihosted DCT file in ``workdir``."""

    def __init__(self, elf: Path, workdir: Path) -> None:
        self.proc = subprocess.Popen(
            ["qemu-system-arm", "-M", "netduino2", "-nographic", "-semihosting", "-kernel", elf],
            cwd=workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # USART1 drops what arrives before it is up: wait for listening mode's log line.
        self._read(self.proc.stderr, b"[listening] entered", 30)

    def _read(self, stream: object, until: bytes, timeout: float) -> bytes:
        out = b""
        deadline = time.monotonic() + timeout
        fd = stream.fileno()  # type: ignore[attr-defined]
        while until not in out and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                out += chunk
        assert until in out, out
        return out

    def describe(self) -> dict:
        assert self.proc.stdin
        self.proc.stdin.write(b"s")
        self.proc.stdin.flush()
        return json.loads(self._read(self.proc.stdout, b"}\r\n", 10))

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def qemu_available() -> None:
    if not shutil.which("qemu-system-arm"):
        pytest.skip("qemu-system-arm not installed")


@pytest.mark.usefixtures("qemu_available")
@pytest.mark.parametrize("env", QEMU_ENVS)
def test_qemu_image_passes_its_own_crc_and_runs_with_its_product(env: str, tmp_path: Path) -> None:
    built(env)
    qemu = Qemu(image(env, "firmware.elf"), tmp_path)
    try:
        module = qemu.describe()["m"][0]
    finally:
        qemu.close()
    assert module["vc"] == module["vv"] == ALL_CHECKS
    # Booted normally, the device stores the product it runs with (product-id.md §4.2).
    sector = current_sector((tmp_path / "harken-dct.bin").read_bytes())
    assert sector is not None
    app = decode_app_dct(sector.app_dct)
    expected = tuple(None if v == 0xFFFF else v for v in expected_product(env))  # 0xFFFF: none
    assert (app.product_id, app.product_version) == expected


@pytest.mark.usefixtures("qemu_available")
def test_qemu_image_with_a_damaged_byte_fails_its_integrity_check(tmp_path: Path) -> None:
    data = built("qemu")
    elf = bytearray(image("qemu", "firmware.elf").read_bytes())
    # A byte of the stored SHA-256: covered by the CRC, never used by the running code.
    sha = data[-38:-6]
    assert elf.count(sha) == 1
    elf[elf.index(sha)] ^= 0xFF
    damaged = tmp_path / "damaged.elf"
    damaged.write_bytes(elf)
    qemu = Qemu(damaged, tmp_path)
    try:
        module = qemu.describe()["m"][0]
    finally:
        qemu.close()
    assert module["vc"] == ALL_CHECKS
    assert module["vv"] == ALL_CHECKS & ~INTEGRITY
