"""``harken binary`` on Particle's own released Gen 2 modules (particle-cli@2.16.0's assets:
Device OS 2.2.0 bootloaders and system parts, Tinker and Doctor apps for Photon, P1 and
Electron). Skipped when npm or the registry is unreachable and nothing is cached."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from harken.protocol.module_binary import parse_module
from particle_binaries import REAL_BINARIES, BinariesUnavailable, RealBinary, particle_binaries

HARKEN = str(Path(sys.executable).with_name("harken"))


@pytest.fixture(scope="session")
def binaries_dir() -> Path:
    """The extracted Gen 2 binaries, fetched once into .deps/cache/particle-binaries."""
    try:
        return particle_binaries()
    except BinariesUnavailable as exc:
        pytest.skip(f"Particle's binaries are unavailable: {exc}")


def inspect_json(path: Path) -> dict:
    run = subprocess.run(
        [HARKEN, "binary", "inspect", str(path), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("binary", REAL_BINARIES, ids=lambda b: b.name)
def test_harken_inspects_particles_binary(binaries_dir: Path, binary: RealBinary):
    path = binaries_dir / binary.name
    info = inspect_json(path)
    assert (info["crc_ok"], info["sha_ok"], info["valid"]) == (True, True, True)
    assert info["platform_id"] == binary.platform_id
    assert (info["function_name"], info["index"]) == (binary.function, binary.index)
    assert (info["version"], info["size"]) == (binary.version, binary.size)
    deps = tuple((d["function"], d["index"], d["version"]) for d in info["dependencies"])
    assert deps == binary.dependencies
    assert (info["product_id"], info["product_version"]) == binary.product
    assert (info["flags"], info["suffix_size"], info["problems"]) == (0, 40, [])
    # the checksums as the spec defines them, computed here without harken
    data = path.read_bytes()
    assert info["crc32"] == zlib.crc32(data[:-4]) == int.from_bytes(data[-4:], "big")
    assert info["sha256"] == hashlib.sha256(data[:-38]).hexdigest()


def test_the_spec_worked_examples(binaries_dir: Path):
    tinker = (binaries_dir / "tinker-0.4.5-photon.bin").read_bytes()
    assert hashlib.sha256(tinker).hexdigest() == (
        "4122f115129c3565f6a56a0625beb15fcb366200e797160ae334776eecf7013f"
    )
    assert parse_module(tinker).crc32 == 0x4A738441
    part2 = parse_module((binaries_dir / "photon-system-part2@2.2.0.bin").read_bytes())
    assert (part2.prefix_offset, part2.start_address, part2.end_address) == (
        0x184,
        0x08060000,
        0x0809FAE4,
    )
    assert part2.crc32 == 0x248602CC


@pytest.mark.parametrize(
    "binary", [b for b in REAL_BINARIES if b.function == "user-part"], ids=lambda b: b.name
)
def test_stamping_a_real_app(binaries_dir: Path, binary: RealBinary, tmp_path: Path):
    path = tmp_path / binary.name
    original = (binaries_dir / binary.name).read_bytes()
    path.write_bytes(original)
    run = subprocess.run(
        [HARKEN, "binary", "stamp", str(path), "--product-id", "31337", "--product-version", "42"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    info = inspect_json(path)
    assert (info["product_id"], info["product_version"], info["valid"]) == (31337, 42, True)
    assert info["size"] == binary.size and info["problems"] == []
    stamped = path.read_bytes()
    assert stamped[:-44] == original[:-44]  # only the tail changed
