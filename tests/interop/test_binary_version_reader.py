"""Particle's module parser, binary-version-reader 3.1.3 (tests/peers/binary-version-reader),
and ``harken binary inspect`` must read the same fields from Particle's released Gen 2
binaries, from harken's synthetic modules of every Gen 2 kind and from stamped ones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from harken.cli.main import main
from harken.protocol.module_binary import stamp_module
from particle_binaries import REAL_BINARIES, BinariesUnavailable, particle_binaries
from synthetic_modules import GEN2_KINDS, USER_PART, build_module

PEER = Path(__file__).resolve().parents[1] / "peers" / "binary-version-reader"
DRIVER = PEER / "driver.js"
TIMEOUT = 120
SHARED_FIELDS = (
    "prefix_offset", "start_address", "end_address", "reserved", "flags", "version",
    "platform_id", "function", "index", "product_id", "product_version", "suffix_reserved",
    "suffix_size", "sha256", "crc32", "computed_crc32", "crc_ok",
)  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (PEER / "node_modules" / "binary-version-reader" / "lib" / "HalModuleParser.js").is_file(),
    reason="binary-version-reader not installed: run tests/peers/binary-version-reader/install.sh",
)


@pytest.fixture(scope="session")
def binaries_dir() -> Path:
    try:
        return particle_binaries()
    except BinariesUnavailable as exc:
        pytest.skip(f"Particle's binaries are unavailable: {exc}")


def read_with_bvr(paths: list[Path]) -> dict[str, dict]:
    """HalModuleParser's result for each file, by path."""
    run = subprocess.run(
        ["node", str(DRIVER), *map(str, paths)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(lines) == len(paths), run.stderr
    failed = [line for line in lines if not line["ok"]]
    assert not failed, failed
    return {line["file"]: line["result"] for line in lines}


def inspect_with_harken(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """``harken binary inspect --json`` run in this process (the subprocess path is covered
    by test_module_binary.py; a hundred interpreter starts would dominate the run time)."""
    capsys.readouterr()
    status = main(["binary", "inspect", str(path), "--json"])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    return json.loads(out)


def bvr_view(result: dict) -> dict:
    """The fields both tools report, in harken's names (BVR says -1 for absent product fields
    and gives addresses and CRCs as hex text)."""
    prefix, suffix, crc = result["prefixInfo"], result["suffixInfo"], result["crc"]
    return {
        "prefix_offset": prefix["prefixOffset"],
        "start_address": int(prefix["moduleStartAddy"], 16),
        "end_address": int(prefix["moduleEndAddy"], 16),
        "reserved": prefix["reserved"],
        "flags": prefix["moduleFlags"],
        "version": prefix["moduleVersion"],
        "platform_id": prefix["platformID"],
        "function": prefix["moduleFunction"],
        "index": prefix["moduleIndex"],
        "dependencies": [
            [prefix[f"{slot}Module{part}"] for part in ("Function", "Index", "Version")]
            for slot in ("dep", "dep2")
        ],
        "product_id": None if suffix["productId"] == -1 else suffix["productId"],
        "product_version": None if suffix["productVersion"] == -1 else suffix["productVersion"],
        "suffix_reserved": suffix["reserved"],
        "suffix_size": suffix["suffixSize"],
        "sha256": suffix["fwUniqueId"],
        "crc32": int(crc["storedCrc"], 16),
        "computed_crc32": int(crc["actualCrc"], 16),
        "crc_ok": crc["ok"],
    }


def harken_view(info: dict) -> dict:
    view = {key: info[key] for key in SHARED_FIELDS}
    view["dependencies"] = [[d["function"], d["index"], d["version"]] for d in info["dependencies"]]
    return view


def assert_agree(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """Both tools on every file; returns harken's results."""
    by_bvr = read_with_bvr(paths)
    results = []
    for path in paths:
        info = inspect_with_harken(path, capsys)
        assert harken_view(info) == bvr_view(by_bvr[str(path)]), path.name
        results.append(info)
    return results


def test_particles_binaries(binaries_dir: Path, capsys):
    results = assert_agree([binaries_dir / binary.name for binary in REAL_BINARIES], capsys)
    assert all(info["crc_ok"] and info["sha_ok"] for info in results)
    assert {info["platform_id"] for info in results} == {6, 8, 10}


def test_stamped_particle_apps(binaries_dir: Path, tmp_path: Path, capsys):
    paths = []
    for number, binary in enumerate(b for b in REAL_BINARIES if b.function == "user-part"):
        path = tmp_path / binary.name
        path.write_bytes(stamp_module((binaries_dir / binary.name).read_bytes(), 1000 + number, 7))
        paths.append(path)
    for number, info in enumerate(assert_agree(paths, capsys)):
        expected = (1000 + number, 7, True)
        assert (info["product_id"], info["product_version"], info["valid"]) == expected


def test_harkens_synthetic_modules(tmp_path: Path, capsys):
    paths = []
    for platform_id, function, index in sorted(GEN2_KINDS):
        name = f"{platform_id}-{function}-{index}"
        plain = build_module(platform_id, function, index, body=200)
        product = build_module(platform_id, function, index, body=120, product=(4242, 3))
        for suffix, data in (
            ("plain", plain),
            ("product", product),
            ("stamped", stamp_module(plain, 0xBEEF, 0x0102)),
            ("restamped", stamp_module(product, 0, 65535)),
        ):
            path = tmp_path / f"{name}-{suffix}.bin"
            path.write_bytes(data)
            paths.append(path)
    for info in assert_agree(paths, capsys):
        assert info["valid"]


def test_damaged_and_productless_modules(tmp_path: Path, capsys):
    damaged = bytearray(build_module(6, USER_PART, 1, product=(5, 6)))
    damaged[100] ^= 0x20
    cases = {
        "damaged.bin": bytes(damaged),
        "short-suffix.bin": build_module(10, USER_PART, 1, suffix_size=36),
        "flagged.bin": build_module(8, 4, 1, flags=0x01),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    results = assert_agree([tmp_path / name for name in cases], capsys)
    assert [info["crc_ok"] for info in results] == [False, True, True]
    assert results[1]["product_id"] is None
