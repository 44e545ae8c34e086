"""``harken flash --dfu FILE`` run as a subprocess: ``--dry-run --json`` on Particle's released
binaries (skipped when they cannot be fetched) and on synthetic modules, the refusals and their
exit status, and ``--serial``'s argument checks (its transfers: test_flash_serial.py). The
command runs as ``python -m harken.cli.flash_commands``. Last, one whole run
in-process with USB replaced by a listing, a pty and a scripted dfu-util."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harken.cli import flash_commands
from harken.cli.main import build_parser
from harken.flash import dfu_session
from harken.protocol.module_layout import ModuleFunction
from harken.protocol.platform import ELECTRON
from harken.transport.discovery import UsbDevice
from particle_binaries import BinariesUnavailable, particle_binaries
from synthetic_modules import SYSTEM_PART, USER_PART, build_module

HARKEN = str(Path(sys.executable).with_name("harken"))
DEVICE_ID = "3a0028000a47353137323334"
SYS2 = "systemFirmwareTwo"


def flash_command() -> list[str]:
    """``harken flash`` once wired, else the module's own entry point."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "flash" in commands.choices:
        return [HARKEN, "flash"]
    return [sys.executable, "-m", "harken.cli.flash_commands"]


FLASH = flash_command()


def flash(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FLASH, *argv], capture_output=True, text=True, timeout=60, check=False, env=env
    )


def dry_run_json(path: Path, *options: str) -> dict:
    run = flash("--dfu", str(path), "--dry-run", "--json", *options)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="session")
def binaries_dir() -> Path:
    try:
        return particle_binaries()
    except BinariesUnavailable as exc:
        pytest.skip(f"Particle's binaries are unavailable: {exc}")


@pytest.mark.parametrize(
    ("name", "options", "usb_id", "dfuse_address", "segment"),
    [
        ("tinker-0.4.5-photon.bin", (), "2b04:d006", "0x080A0000:leave", "userFirmware"),
        ("electron_tinker.bin", ("--factory",), "2b04:d00a", "0x080A0000", "factoryReset"),
        ("electron-system-part1@2.2.0.bin", (), "2b04:d00a", "0x08060000", "systemFirmwareThree"),
        ("p1-system-part2@2.2.0.bin", ("--leave",), "2b04:d008", "0x08060000:leave", SYS2),
    ],
)  # fmt: skip
def test_dry_run_of_a_real_binary(binaries_dir, name, options, usb_id, dfuse_address, segment):
    path = binaries_dir / name
    out = dry_run_json(path, *options, "--device-id", DEVICE_ID.upper())
    assert (out["file"], out["dry_run"]) == (str(path), True)
    plan = out["plan"]
    assert (plan["usb_id"], plan["alt"], plan["dfuse_address"]) == (usb_id, 0, dfuse_address)
    assert (plan["segment"], plan["size"]) == (segment, path.stat().st_size)
    assert out["command"] == [
        "dfu-util", "-d", usb_id, "-a", "0", "-i", "0", "-S", DEVICE_ID,
        "-s", dfuse_address, "-D", str(path),
    ]  # fmt: skip


def test_real_bootloader_is_refused(binaries_dir):
    run = flash("--dfu", str(binaries_dir / "electron-bootloader@2.2.0+lto.bin"), "--dry-run")
    assert run.returncode == 1 and run.stdout == ""
    assert "a bootloader cannot be flashed over DFU" in run.stderr
    assert "OTA region" in run.stderr


def test_dry_run_of_synthetic_modules(tmp_path):
    mono = tmp_path / "firmware.bin"
    mono.write_bytes(build_module(8, ModuleFunction.MONO_FIRMWARE, 0))
    out = dry_run_json(mono)
    assert (out["plan"]["address"], out["plan"]["leave"]) == (0x08020000, False)
    assert out["command"] == [
        "dfu-util", "-d", "2b04:d008", "-a", "0", "-i", "0", "-s", "0x08020000", "-D", str(mono),
    ]  # fmt: skip
    assert dry_run_json(mono, "--leave")["plan"]["dfuse_address"] == "0x08020000:leave"
    app = tmp_path / "app.bin"
    app.write_bytes(build_module(10, USER_PART, 1))
    assert dry_run_json(app, "--no-leave")["command"][-3:] == ["0x08080000", "-D", str(app)]


def test_dry_run_text_and_no_usb(tmp_path):
    """The dry run prints the plan and the command and runs nothing: not even a PATH with
    no dfu-util on it matters."""
    app = tmp_path / "app.bin"
    app.write_bytes(build_module(6, USER_PART, 1))
    run = flash("--dfu", str(app), "--dry-run", "--factory", env={"PATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"{app}: photon user-part 1, version 6 ")
    assert "at 0x080E0000" in lines[0] and "factoryReset" in lines[0]
    assert lines[1].startswith("  warning: the factory image shares flash with the OTA region")
    assert lines[2] == f"  command: dfu-util -d 2b04:d006 -a 0 -i 0 -s 0x080E0000 -D {app}"


def test_bad_crc_wrong_platform_and_not_a_module(tmp_path):
    damaged = bytearray(build_module(6, SYSTEM_PART, 2))
    damaged[-1] ^= 0x55
    path = tmp_path / "part2.bin"
    path.write_bytes(bytes(damaged))
    run = flash("--dfu", str(path), "--dry-run")
    assert run.returncode == 1 and "CRC is invalid" in run.stderr and "--force" in run.stderr
    forced = dry_run_json(path, "--force")["plan"]
    assert forced["address"] == 0x08060000
    assert any("CRC is invalid" in w for w in forced["warnings"])
    argon = tmp_path / "argon.bin"
    argon.write_bytes(build_module(12, USER_PART, 1, start=0x000D4000, prefix_offset=0))
    run = flash("--dfu", str(argon), "--dry-run", "--json")
    assert run.returncode == 1 and "platform 12 (argon) cannot be flashed" in run.stderr
    text = tmp_path / "notes.txt"
    text.write_text("not a module at all, just text " * 4)
    run = flash("--dfu", str(text), "--dry-run")
    assert run.returncode == 1 and "not a valid module binary" in run.stderr


def test_arguments():
    run = flash("--serial", "port", "app.bin", "extra")
    assert (run.returncode, run.stderr) == (1, "harken: error: --serial takes [PORT] FILE\n")
    run = flash("--serial", "/dev/null", "missing.bin")
    assert run.returncode == 1 and "missing.bin" in run.stderr
    assert flash("--serial", "a.bin", "--dfu", "b.bin").returncode == 2  # one or the other
    assert flash("--dry-run").returncode == 2
    run = flash("--dfu", "a.bin", "--device-id", "xyz")
    assert run.returncode == 2 and "not a device id" in run.stderr
    assert flash("--dfu", "a.bin", "--leave", "--no-leave").returncode == 2


def test_no_device_on_usb(tmp_path):
    """A real run looks for the device (an id no device has, so nothing is ever written)."""
    if shutil.which("dfu-util") is None:
        pytest.skip("dfu-util is not installed")
    app = tmp_path / "app.bin"
    app.write_bytes(build_module(6, USER_PART, 1))
    run = flash("--dfu", str(app), "--device-id", "f" * 24)
    assert run.returncode == 1
    assert f"no Photon/P1/Electron found on USB with device id {'f' * 24}" in run.stderr


# --- a whole run, in-process, with USB replaced: a listing, a pty and a scripted dfu-util ----

INTERNAL = "@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg"
LISTING = "".join(
    f'Found DFU: [2b04:d00a] ver=0250, devnum=9, cfg=1, intf=0, path="3-2", alt={alt}, '
    f'name="{name}", serial="{DEVICE_ID}"\n'
    for alt, name in ((1, "@DCT Flash   /0x00000000/01*016Kg"), (0, INTERNAL))
)
FAKE_DFU_UTIL = """\
import json, sys
open(sys.argv[0] + ".argv", "w").write(json.dumps(sys.argv[1:]))
sys.stdout.write("Download\\t[=============            ]  50%         4096 bytes")
sys.stdout.write("\\rDownload\\t[=========================] 100%         8192 bytes\\n")
sys.stdout.write("Download done.\\nFile downloaded successfully\\nSubmitting leave request...\\n")
"""


def test_a_whole_run_from_normal_mode(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "dfu-util"
    fake.write_text(f"#!{sys.executable}\n{FAKE_DFU_UTIL}")
    fake.chmod(0o755)
    master, slave = os.openpty()
    listings = iter(["", "", LISTING])  # not in DFU until the 14400-baud trick
    normal = UsbDevice(os.ttyname(slave), ELECTRON, DEVICE_ID, "Electron Serial")
    monkeypatch.setattr(dfu_session, "list_dfu", lambda: next(listings))
    monkeypatch.setattr(
        flash_commands,
        "locate_target",
        lambda device_id: dfu_session.locate_target(
            device_id, lister=dfu_session.list_dfu, ports=lambda: [normal]
        ),
    )
    monkeypatch.setattr(
        flash_commands,
        "ensure_dfu",
        lambda target: dfu_session.ensure_dfu(target, lister=dfu_session.list_dfu),
    )
    real_run = dfu_session.run_dfu_util
    monkeypatch.setattr(
        flash_commands,
        "run_dfu_util",
        lambda argv, **kw: real_run([str(fake), *argv[1:]], **kw),
    )
    app = tmp_path / "app.bin"
    app.write_bytes(build_module(10, USER_PART, 1))
    try:
        status = flash_commands.main(["--dfu", str(app), "--device-id", DEVICE_ID, "--json"])
    finally:
        os.close(master)
        os.close(slave)
    out, err = capsys.readouterr()
    assert status == 0, err
    result = json.loads(out)
    assert (result["device_id"], result["dry_run"]) == (DEVICE_ID, False)
    assert result["result"]["ok"] and result["result"]["left"]
    expected = ["-d", "2b04:d00a", "-a", "0", "-i", "0", "-S", DEVICE_ID]
    expected += ["-s", "0x08080000:leave", "-D", str(app)]
    assert json.loads(Path(f"{fake}.argv").read_text()) == expected
    assert "switching" in err and "Download: 50% (4096 bytes)" in err
    assert "Download: 100% (8192 bytes)" in err
