"""``harken binary inspect`` and ``harken binary stamp``, run as the venv's entry point (a
subprocess) on synthetic modules: every field in text and JSON, exit status 1 for damaged or
foreign files, atomic in-place stamping and the u16 range of the product fields."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from harken.protocol.module_binary import parse_module
from synthetic_modules import SYSTEM_PART, UNSET, USER_PART, build_module

HARKEN = str(Path(sys.executable).with_name("harken"))


def harken(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([HARKEN, *argv], capture_output=True, text=True, timeout=60, check=False)


def small_user_part() -> bytes:
    return build_module(6, USER_PART, 1, body=16, product=(1234, 5))


def test_cli_inspect_prints_every_field(tmp_path):
    path = tmp_path / "app.bin"
    path.write_bytes(build_module(6, USER_PART, 1, product=(1234, 5)))
    run = harken("binary", "inspect", str(path))
    assert run.returncode == 0, run.stderr
    for text in (
        "user-part 1, version 6, platform 6 (photon)",
        "prefix at 0x0",
        "0x080a0000",
        "depends on: system-part 2 >= 2202",
        "product: id 1234, version 5",
        "suffix: size 40",
    ):
        assert text in run.stdout
    assert run.stdout.count(" ok") == 2


def test_cli_inspect_json(tmp_path):
    data = build_module(10, SYSTEM_PART, 2)
    path = tmp_path / "part.bin"
    path.write_bytes(data)
    run = harken("binary", "inspect", str(path), "--json")
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    expected = {
        "file": str(path), "size": len(data), "prefix_offset": 0x184,
        "start_address": 0x08040000, "end_address": 0x08040000 + len(data) - 4,
        "platform_id": 10, "platform_name": "electron", "function": 4,
        "function_name": "system-part", "index": 2, "version": 2202, "flags": 0,
        "flag_names": [], "product_id": UNSET, "product_version": UNSET, "suffix_size": 40,
        "crc_ok": True, "sha_ok": True, "valid": True, "problems": [],
        "crc32": zlib.crc32(data[:-4]), "sha256": hashlib.sha256(data[:-38]).hexdigest(),
    }  # fmt: skip
    assert {k: info[k] for k in expected} == expected
    assert info["dependencies"] == [
        {"function": 4, "function_name": "system-part", "index": 1, "version": 2202},
        {"function": 2, "function_name": "bootloader", "index": 0, "version": 1003},
    ]


def test_cli_inspect_fails_on_damage_and_garbage(tmp_path):
    damaged = bytearray(small_user_part())
    damaged[40] ^= 0x55
    path = tmp_path / "damaged.bin"
    path.write_bytes(bytes(damaged))
    run = harken("binary", "inspect", str(path), "--json")
    assert run.returncode == 1
    assert json.loads(run.stdout)["crc_ok"] is False
    assert "CRC-32 and SHA-256 mismatch" in run.stderr
    path.write_bytes(b"hello, not a module" * 10)
    run = harken("binary", "inspect", str(path))
    assert run.returncode == 1 and run.stdout == ""
    assert "not a valid module binary" in run.stderr
    run = harken("binary", "inspect", str(tmp_path / "missing.bin"))
    assert run.returncode == 1 and "No such file" in run.stderr


def test_cli_stamp_in_place_keeps_the_file_mode(tmp_path):
    path = tmp_path / "app.bin"
    path.write_bytes(small_user_part())
    path.chmod(0o640)
    run = harken("binary", "stamp", str(path), "--product-id", "4321", "--product-version", "0x9")
    assert run.returncode == 0, run.stderr
    assert "product id 4321, version 9" in run.stdout
    image = parse_module(path.read_bytes())
    assert (image.product_id, image.product_version, image.valid) == (4321, 9, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.bin"]  # no temporary left


def test_cli_stamp_to_another_file(tmp_path):
    source, target = tmp_path / "in.bin", tmp_path / "out.bin"
    original = build_module(8, SYSTEM_PART, 1)
    source.write_bytes(original)
    run = harken(
        "binary", "stamp", str(source), "--product-id", "7", "--product-version", "8",
        "--output", str(target),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "are read by no device" in run.stdout
    assert source.read_bytes() == original
    info = json.loads(harken("binary", "inspect", str(target), "--json").stdout)
    assert (info["product_id"], info["product_version"], info["valid"]) == (7, 8, True)
    # --json prints the stamped module as inspect does; only product and checksums changed
    run = harken("binary", "stamp", str(target), "--product-id", "9", "--product-version", "10",
                 "--json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    stamped = json.loads(run.stdout)
    changed = {"product_id", "product_version", "sha256", "computed_sha256", "crc32",
               "computed_crc32"}  # fmt: skip
    assert (stamped["product_id"], stamped["product_version"], stamped["valid"]) == (9, 10, True)
    assert {k: v for k, v in stamped.items() if k not in changed} == {
        k: v for k, v in info.items() if k not in changed
    }


@pytest.mark.parametrize("value", ["65536", "-1", "ten"])
def test_cli_stamp_refuses_values_beyond_u16(tmp_path, value):
    path = tmp_path / "app.bin"
    original = small_user_part()
    path.write_bytes(original)
    run = harken("binary", "stamp", str(path), "--product-id", value, "--product-version", "1")
    assert run.returncode == 2
    assert "--product-id" in run.stderr
    assert path.read_bytes() == original


def test_cli_stamp_refuses_a_damaged_module(tmp_path):
    path = tmp_path / "app.bin"
    damaged = bytearray(small_user_part())
    damaged[-1] ^= 1
    path.write_bytes(bytes(damaged))
    run = harken("binary", "stamp", str(path), "--product-id", "1", "--product-version", "1")
    assert run.returncode == 1
    assert "refusing to stamp a damaged module (CRC-32 mismatch)" in run.stderr
    assert path.read_bytes() == bytes(damaged)


def test_cli_stamp_keeps_the_field_not_given(tmp_path):
    path = tmp_path / "app.bin"
    path.write_bytes(small_user_part())  # product 1234, version 5
    assert harken("binary", "stamp", str(path), "--product-version", "9").returncode == 0
    image = parse_module(path.read_bytes())
    assert (image.product_id, image.product_version, image.valid) == (1234, 9, True)
    assert harken("binary", "stamp", str(path), "--product-id", "77").returncode == 0
    assert parse_module(path.read_bytes()).product_id == 77
    run = harken("binary", "stamp", str(path))
    assert run.returncode == 1 and "give --product-id, --product-version or both" in run.stderr
    assert parse_module(path.read_bytes()).product_version == 9
