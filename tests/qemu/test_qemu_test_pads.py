"""The QEMU device's test pads (protocol/test-mode.md, "Where the test pads are"): UART4,
QEMU's fourth ``-serial``, relayed by the runner to a pty ``STATE/testpads`` and a
``socket://`` port, carrying the firmware's event log as ``[category] message\\r\\n`` lines."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import serial

from conftest import StartQemu
from console_io import listen_trick
from harken.fixture.client import FixtureClient
from test_pads_io import PREAMBLE, PadsReader, check_log_text, request, split_stream

QUIET = 0.5
TIMEOUT = 10.0


def log_text(path: Path, after: int) -> str:
    return path.read_bytes()[after:].decode("utf-8", errors="replace")


def wait_for_log(path: Path, text: str, after: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while text not in log_text(path, after):
        assert time.monotonic() < deadline, f"{text!r} not logged: {path}"
        time.sleep(0.02)


def test_the_pads_are_a_pty_and_a_socket_kept_across_restarts(qemu_device: StartQemu) -> None:
    device = qemu_device()
    info = device.info
    link = device.state_dir / "testpads"
    assert info["testpads"] == str(link) == device.test_pads
    assert info["testpads_url"] == device.test_pads_url
    assert device.test_pads_url is not None and device.test_pads_url.startswith("socket://127.")
    assert link.is_symlink() and link.resolve() != Path(info["pty"])
    url = device.test_pads_url
    device.restart()
    assert device.test_pads_url == url and link.is_symlink()
    assert device.stop() == 0
    assert not os.path.lexists(link)


def test_both_readers_see_the_event_log_as_crlf_lines(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert device.test_pads is not None and device.test_pads_url is not None
    with PadsReader(device.test_pads) as pty, PadsReader(device.test_pads_url) as sock:
        mark = device.log_path.stat().st_size
        with FixtureClient("127.0.0.1", device.fixture_port) as bench:
            bench.reset()
        for pads in (pty, sock):
            pads.wait_for_line("[softap] up")
            assert pads.lines()[:3] == [
                "[system] booted",
                "[listening] entered: no credentials",
                "[softap] up",
            ]
        pty.read_for(QUIET)
        sock.read_for(0)
        assert pty.data == sock.data
        check_log_text(bytes(pty.data))
        # The same events went to QEMU's log through semihosting, in the same order.
        logged = log_text(device.log_path, mark).splitlines()
        assert [line for line in logged if line in pty.lines()] == pty.lines()


def test_the_28800_trick_on_the_console_is_logged_on_the_pads(qemu_device: StartQemu) -> None:
    device = qemu_device("electron")  # with a SIM: not listening after boot
    assert device.test_pads is not None
    with PadsReader(device.test_pads) as pads:
        listen_trick(device.console)
        pads.wait_for_line("[listening] entered: host request")
        check_log_text(bytes(pads.data))


def test_a_bit_rate_set_on_the_pads_does_nothing(qemu_device: StartQemu) -> None:
    device = qemu_device("electron")
    assert device.test_pads is not None and Path(device.test_pads).exists()
    mark = device.log_path.stat().st_size
    answers = len(device.fixture_lines)
    with serial.Serial(device.test_pads, 28800):  # the console's listening-mode rate
        time.sleep(QUIET)
    with serial.Serial(device.test_pads, 14400):  # and its DFU rate
        time.sleep(QUIET)
    time.sleep(QUIET)
    assert len(device.fixture_lines) == answers  # no BAUD line went to the device
    assert "[listening]" not in log_text(device.log_path, mark)
    listen_trick(device.console)  # the console's does reach it
    wait_for_log(device.log_path, "[listening] entered: host request", mark)


def test_log_lines_and_frames_share_the_pads_cleanly(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert device.test_pads_url is not None
    ssid = b"Caf\xc3\xa9 \xfa\xce\x01"  # UTF-8, and the frame sync inside the name
    key = b"pads-secret-1"
    join = bytes([len(ssid)]) + ssid + struct.pack("<I", 0x00400004)  # WPA2 AES
    join += bytes([len(key)]) + key + struct.pack("<H", 2)
    with PadsReader(device.test_pads_url) as pads:  # the station on the socket:// relay
        mark = device.log_path.stat().st_size
        pads.send(PREAMBLE)
        hello = pads.wait_for_frames(1)[0]
        assert (hello.type, hello.seq) == (0xC0, 0)
        assert hello.payload == b"\x00\x01" + bytes.fromhex(device.info["device_id"])
        pads.send(request(0x04, 7, join))  # the radio sees no network: not found
        reply = pads.wait_for_frames(2)[1]
        assert (reply.type, reply.seq, reply.payload) == (0x84, 7, bytes([33]))
        pads.read_for(QUIET)
        texts, frames = split_stream(bytes(pads.data))
    assert len(frames) == 2
    for text in texts:  # frames never split a log line
        if text:
            check_log_text(text)
    assert key not in bytes(pads.data)
    lines = b"".join(texts).decode("ascii").splitlines()
    assert any(line.startswith("[test] ") for line in lines)
    logged = log_text(device.log_path, mark).splitlines()
    assert [line for line in logged if line in lines] == lines  # the semihosted log's events
