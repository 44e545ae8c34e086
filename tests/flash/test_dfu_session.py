"""Finding devices for DFU and running dfu-util, without hardware: the ``dfu-util -l`` parser on
realistic listings, choosing a device by serial number (= device id) in either USB mode, the
14400-baud trick as a pty and harken's native device see it, dfu-util's output (progress,
errors) from scripted stand-ins, and the real dfu-util accepting the argv harken builds."""

from __future__ import annotations

import fcntl
import os
import shutil
import struct
import sys
from pathlib import Path

import pytest

from console_io import DeviceLog
from harken.flash.dfu_plan import dfu_util_command, plan_dfu
from harken.flash.dfu_session import (
    DfuProgress,
    DfuSessionError,
    dfu_devices,
    ensure_dfu,
    enter_dfu_mode,
    explain,
    list_dfu,
    locate_target,
    parse_dfu_list,
    parse_progress,
    run_dfu_util,
    wait_for_dfu,
)
from harken.protocol.module_binary import parse_module
from harken.protocol.module_layout import ModuleFunction
from harken.protocol.platform import ELECTRON, P1, PHOTON
from harken.transport.discovery import UsbDevice
from synthetic_modules import SYSTEM_PART, USER_PART, build_module

PHOTON_ID, P1_ID = "3a0028000a47353137323334", "2d0041001147343438323536"
ELECTRON_ID = "1e0032000c51343334363138"
MONO = ModuleFunction.MONO_FIRMWARE
# The exact alt-setting strings of the Gen 2 bootloader (flashing.md §2.3; note the 3 spaces).
INTERNAL = "@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg"
DCT = "@DCT Flash   /0x00000000/01*016Kg"
SERIAL_FLASH = "@Serial Flash   /0x00000000/256*004Kg"
BANNER = """\
dfu-util 0.11

Copyright 2005-2009 Weston Schmidt, Harald Welte and OpenMoko Inc.
Copyright 2010-2021 Tormod Volden and Stefan Schmidt
This program is Free Software and has ABSOLUTELY NO WARRANTY
Please report bugs to http://sourceforge.net/p/dfu-util/tickets/

"""


def found(usb: str, devnum: int, path: str, alt: int, name: str, serial: str, kind="DFU") -> str:
    return (
        f'Found {kind}: [{usb}] ver=0250, devnum={devnum}, cfg=1, intf=0, path="{path}", '
        f'alt={alt}, name="{name}", serial="{serial}"\n'
    )


LISTING = BANNER + "".join(
    [
        found("2b04:d006", 12, "1-1.2", 1, DCT, PHOTON_ID),
        found("2b04:d006", 12, "1-1.2", 0, INTERNAL, PHOTON_ID),
        found("2b04:d008", 14, "1-1.3", 2, SERIAL_FLASH, P1_ID),
        found("2b04:d008", 14, "1-1.3", 1, DCT, P1_ID),
        found("2b04:d008", 14, "1-1.3", 0, INTERNAL, P1_ID),
        found("2b04:d00a", 9, "3-2", 1, DCT, ELECTRON_ID),
        found("2b04:d00a", 9, "3-2", 0, INTERNAL, ELECTRON_ID),
        # a Gen 3 bootloader, an ST system bootloader and a runtime interface: not ours
        found("2b04:d00c", 4, "1-4", 0, "@Internal Flash  /0x000d4000/84*004Kg", "e00fce68"),
        found("0483:df11", 20, "1-5", 0, "@Internal Flash  /0x08000000/04*016Kg", "206A36A35748"),
        found("1d50:6089", 7, "1-6", 0, "UNKNOWN", "0000000000000000", kind="Runtime"),
    ]
)
# dfu-util without permission: it warns and lists the device with unknown strings.
NO_ACCESS = (
    "dfu-util: Cannot open DFU device 2b04:d006 found on devnum 15 (LIBUSB_ERROR_ACCESS)\n"
    + found("2b04:d006", 15, "1-7", 0, "UNKNOWN", "UNKNOWN")
)


def test_parse_every_interface_line():
    interfaces = parse_dfu_list(LISTING + NO_ACCESS)
    assert len(interfaces) == 11
    first = interfaces[0]
    assert (first.dfu_mode, first.vid, first.pid, first.version) == (True, 0x2B04, 0xD006, 0x250)
    assert (first.devnum, first.cfg, first.intf, first.path) == (12, 1, 0, "1-1.2")
    assert (first.alt, first.name, first.serial) == (1, DCT, PHOTON_ID)
    assert [i.dfu_mode for i in interfaces].count(False) == 1
    assert {i.name for i in interfaces if i.pid == 0xD008} == {INTERNAL, DCT, SERIAL_FLASH}


def test_parse_older_dfu_util_lines_without_path():
    line = found("2b04:d00a", 5, "-", 0, INTERNAL, ELECTRON_ID).replace(' path="-",', "")
    (interface,) = parse_dfu_list(line)
    assert (interface.path, interface.alt, interface.name) == (None, 0, INTERNAL)
    assert parse_dfu_list(BANNER + "dfu-util: No DFU capable USB device available\n") == []


def test_gen2_devices_with_their_alt_settings():
    devices = dfu_devices(parse_dfu_list(LISTING + NO_ACCESS))
    summary = [(d.platform, d.device_id, d.path, d.alts) for d in devices]
    assert summary == [
        (PHOTON, PHOTON_ID, "1-1.2", ((0, INTERNAL), (1, DCT))),
        (P1, P1_ID, "1-1.3", ((0, INTERNAL), (1, DCT), (2, SERIAL_FLASH))),
        (PHOTON, None, "1-7", ((0, "UNKNOWN"),)),
        (ELECTRON, ELECTRON_ID, "3-2", ((0, INTERNAL), (1, DCT))),
    ]


def port(platform, device_id: str, name: str = "/dev/ttyACM0") -> UsbDevice:
    return UsbDevice(name, platform, device_id, f"{platform.product} Serial")


def test_locate_by_device_id_in_either_mode():
    in_dfu = locate_target(P1_ID.upper(), lister=lambda: LISTING, ports=lambda: [])
    assert (in_dfu.platform, in_dfu.device_id, in_dfu.port) == (P1, P1_ID, None)
    assert in_dfu.dfu is not None and in_dfu.dfu.path == "1-1.3"
    other = "0123456789abcdef01234567"
    normal = locate_target(other, lister=lambda: LISTING, ports=lambda: [port(P1, other)])
    assert (normal.platform, normal.port, normal.dfu) == (P1, "/dev/ttyACM0", None)
    only = locate_target(None, lister=lambda: BANNER, ports=lambda: [port(ELECTRON, other)])
    assert only.platform == ELECTRON


def test_locate_refuses_none_or_several():
    with pytest.raises(DfuSessionError, match="several devices found on USB .*--device-id"):
        locate_target(None, lister=lambda: LISTING, ports=lambda: [])
    with pytest.raises(DfuSessionError, match="no Photon/P1/Electron found on USB with device"):
        locate_target("f" * 24, lister=lambda: LISTING, ports=lambda: [port(P1, P1_ID)])
    with pytest.raises(DfuSessionError, match="no Photon/P1/Electron found on USB$"):
        locate_target(None, lister=lambda: BANNER, ports=lambda: [])


def test_wait_until_the_same_device_enumerates_in_dfu():
    listings = iter([BANNER, found("2b04:d006", 3, "1-1", 0, INTERNAL, "a" * 24), LISTING])
    device = wait_for_dfu(PHOTON_ID, PHOTON, lister=lambda: next(listings), poll=0.01)
    assert (device.device_id, device.path) == (PHOTON_ID, "1-1.2")
    with pytest.raises(DfuSessionError, match=f"device {P1_ID} did not appear in DFU mode"):
        wait_for_dfu(P1_ID, P1, timeout=0.05, lister=lambda: BANNER, poll=0.01)
    with pytest.raises(DfuSessionError, match="did not appear"):  # same id, other platform
        wait_for_dfu(P1_ID, ELECTRON, timeout=0.05, lister=lambda: LISTING, poll=0.01)


@pytest.mark.skipif(sys.platform != "linux", reason="termios2 is Linux's")
def test_ensure_dfu_does_the_14400_trick_on_the_port():
    master, slave = os.openpty()
    try:
        target = locate_target(
            None, lister=lambda: BANNER, ports=lambda: [port(P1, P1_ID, os.ttyname(slave))]
        )
        device = ensure_dfu(target, lister=lambda: LISTING, timeout=1)
        tcgets2 = 0x802C542A  # Linux: struct termios2 (44 bytes), c_ospeed at offset 40
        termios2 = fcntl.ioctl(master, tcgets2, bytes(44))
        assert struct.unpack_from("<I", termios2, 40)[0] == 14400
        assert (device.platform, device.device_id) == (P1, P1_ID)
    finally:
        os.close(master)
        os.close(slave)


def test_native_device_sees_the_dfu_request(native_device):
    """harken's native device handles the line coding as Device OS does; having no DFU
    bootloader, it logs the request instead of resetting into one."""
    device = native_device("photon")
    log = DeviceLog(device)
    enter_dfu_mode(device.console)
    log.wait_for("[system] DFU requested: not available")
    with pytest.raises(DfuSessionError, match="cannot open /nonexistent at 14400 baud"):
        enter_dfu_mode("/nonexistent")


# --- dfu-util's output ---------------------------------------------------------------------


def bar(stage: str, done: int, total: int) -> str:
    filled = "=" * (25 * done // total)
    return f"\r{stage}\t[{filled:25}] {100 * done // total:3d}% {done:12d} bytes"


def download_session(size: int) -> str:
    """What dfu-util 0.11 prints writing a raw .bin to a Photon and leaving (stdout, stderr)."""
    steps = "".join(bar("Download", n, size) for n in range(0, size + 1, 4096))
    return (
        BANNER
        + "dfu-util: Warning: Invalid DFU suffix signature\n"
        "dfu-util: A valid DFU suffix will be required in a future dfu-util release\n"
        "Opening DFU capable USB device...\nDevice ID 2b04:d006\nDevice DFU version 011a\n"
        "Claiming USB DFU Interface...\nSetting Alternate Interface #0 ...\n"
        "Determining device status...\n"
        "DFU state(2) = dfuIDLE, status(0) = No error condition is present\n"
        "DFU mode device DFU version 011a\nDevice returned transfer size 4096\n"
        'DfuSe interface name: "Internal Flash   "\n'
        f"Downloading element to address = 0x080a0000, size = {size}\n"
        + bar("Erase   ", 0, size) + bar("Erase   ", size, size) + "\nErase    done.\n"
        + steps + bar("Download", size, size) + "\nDownload done.\n"
        "File downloaded successfully\n"
        "Submitting leave request...\nTransitioning to dfuMANIFEST state\n"
    )  # fmt: skip


def fake_dfu_util(tmp_path: Path, output: str, status: int = 0, sleep: float = 0) -> str:
    script = tmp_path / "dfu-util"
    script.write_text(
        f"#!{sys.executable}\nimport sys, time\n"
        f"sys.stdout.write({output!r}); sys.stdout.flush()\n"
        f"time.sleep({sleep})\nsys.exit({status})\n"
    )
    script.chmod(0o755)
    return str(script)


def test_progress_and_success(tmp_path):
    seen: list[DfuProgress] = []
    program = fake_dfu_util(tmp_path, download_session(10000))
    result = run_dfu_util([program, "-D", "x.bin"], on_progress=seen.append)
    assert (result.ok, result.returncode, result.downloaded, result.left) == (True, 0, True, True)
    assert result.errors == ()  # the missing DFU suffix of a .bin is no error
    assert seen[:2] == [DfuProgress("Erase", 0, 0), DfuProgress("Erase", 100, 10000)]
    downloads = [(p.percent, p.bytes) for p in seen if p.stage == "Download"]
    assert downloads[0] == (0, 0) and downloads[-1] == (100, 10000)
    assert (40, 4096) in downloads and "Download done." in result.output


def test_downloaded_counts_even_if_the_leave_fails(tmp_path):
    """particle-cli's rule: "File downloaded successfully" means success whatever the exit."""
    output = download_session(5324) + "dfu-util: Error during download get_status\n"
    result = run_dfu_util([fake_dfu_util(tmp_path, output, status=74)])
    assert (result.ok, result.returncode, result.downloaded) == (True, 74, True)
    assert result.errors == (
        "dfu-util: Error during download get_status (the transfer failed: check the cable "
        "and retry)",
    )


def test_failures_are_explained(tmp_path):
    output = BANNER + "dfu-util: No DFU capable USB device available\n"
    result = run_dfu_util([fake_dfu_util(tmp_path, output, status=74)])
    assert (result.ok, result.downloaded, result.left) == (False, False, False)
    assert result.errors == (
        "dfu-util: No DFU capable USB device available (no device in DFU mode (blinking "
        "yellow) matches)",
    )
    assert "pick one with --device-id" in explain(
        "dfu-util: More than one DFU capable USB device found! Try `--list' and specify the "
        "serial number or disconnect all but one device"
    )
    assert "udev" in explain(NO_ACCESS.splitlines()[0])
    assert explain("Opening DFU capable USB device...") is None
    assert parse_progress("Erase    done.") is None


def test_a_hanging_dfu_util_is_stopped(tmp_path):
    with pytest.raises(DfuSessionError, match="did not finish within 0.3 s"):
        run_dfu_util([fake_dfu_util(tmp_path, "Opening...\n", sleep=30)], timeout=0.3)
    with pytest.raises(DfuSessionError, match="is not installed"):
        run_dfu_util([str(tmp_path / "missing-dfu-util")])


# --- the real dfu-util ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_dfu_util() -> str:
    program = shutil.which("dfu-util")
    if program is None:
        pytest.skip("dfu-util is not installed (apt-get install dfu-util)")
    if parse_dfu_list(list_dfu(program)):  # never write to a device that happens to be there
        pytest.skip("a DFU device is attached: the no-device checks cannot run")
    return program


@pytest.mark.parametrize("case", [
    ((6, USER_PART, 1), {}, PHOTON_ID), ((8, USER_PART, 1), {"factory": True}, None),
    ((10, SYSTEM_PART, 3), {}, ELECTRON_ID.upper()), ((10, MONO, 0), {"leave": True}, None),
])  # fmt: skip
def test_real_dfu_util_accepts_our_argv(real_dfu_util, tmp_path, case):
    kind, kwargs, serial = case
    file = tmp_path / "module.bin"
    file.write_bytes(build_module(*kind))
    plan = plan_dfu(parse_module(file.read_bytes()), **kwargs)
    argv = dfu_util_command(plan, file, serial, program=real_dfu_util)
    result = run_dfu_util(argv, timeout=60)
    assert result.returncode == 74, result.output  # EX_IOERR; a usage error would be 64
    assert "Usage:" not in result.output and "Could not open file" not in result.output
    assert result.errors[-1].startswith("dfu-util: No DFU capable USB device available")
    assert not result.ok


def test_real_dfu_util_rejects_a_bad_option(real_dfu_util):
    """The check above is meaningful: dfu-util does report usage errors without a device."""
    run = run_dfu_util([real_dfu_util, "--no-such-option"])
    assert run.returncode == 64 and "Usage:" in run.output
    assert list_dfu(real_dfu_util).startswith("dfu-util ")
