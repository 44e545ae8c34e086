"""The native device's test pads (protocol/test-mode.md, "Where the test pads are"): a pty of
their own, ``STATE/testpads``, that carries the event log as ``[category] message\\r\\n`` lines
next to the console, with no line coding of its own."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import serial

from console_io import QUIET, DeviceLog, RawConsole, listen_trick
from harken.fixture.client import FixtureClient
from test_pads_io import PREAMBLE, PadsReader, check_log_text, request, split_stream


def test_the_ready_event_names_a_pty_of_its_own(native_device):
    device = native_device("photon")
    info = device.info
    link = device.state_dir / "testpads"
    assert info["testpads"] == str(link) == device.test_pads
    assert device.test_pads_url is None  # the native device's test pads are only the pty
    assert link.is_symlink() and str(link.resolve()).startswith("/dev/pts/")
    assert link.resolve() != Path(info["pty"])  # not the console
    fd = os.open(link, os.O_RDWR | os.O_NOCTTY)
    try:
        assert os.isatty(fd)
    finally:
        os.close(fd)
    assert device.stop() == 0
    assert not os.path.lexists(link)


def test_a_reader_sees_every_event_as_a_crlf_line(native_device):
    device = native_device("photon")
    with PadsReader(device.test_pads) as pads:
        # Written before the reader came (the boot): gone, as from a UART nobody listened to.
        assert pads.read_for(QUIET) == b""
        log = DeviceLog(device)
        with FixtureClient("127.0.0.1", device.fixture_port) as bench:
            bench.reset()
        pads.wait_for_line("[softap] up")
        with RawConsole(device.console) as console:
            console.send("x")  # leaves listening mode; with no credentials it starts over
            pads.wait_for_line("[listening] exited")
        assert pads.lines()[:3] == [
            "[system] booted",
            "[listening] entered: no credentials",
            "[softap] up",
        ]
        # Everything the device logged on stderr, in the same order, and nothing else.
        log.wait_for("[listening] exited")
        pads.read_for(QUIET)
        assert pads.lines() == log.lines()
        check_log_text(bytes(pads.data))
    assert device.running


def test_the_28800_trick_on_the_console_is_logged_on_the_pads(native_device):
    device = native_device("electron")  # with a SIM: not listening after boot
    with PadsReader(device.test_pads) as pads:
        listen_trick(device.console)
        assert pads.wait_for_line("[listening] entered: host request")[0] == (
            "[listening] entered: host request"
        )
        check_log_text(bytes(pads.data))


def test_a_bit_rate_set_on_the_pads_does_nothing(native_device):
    device = native_device("electron")
    assert device.test_pads is not None and Path(device.test_pads).exists()
    log = DeviceLog(device)
    with serial.Serial(device.test_pads, 28800):  # the console's listening-mode rate
        time.sleep(QUIET)
    with serial.Serial(device.test_pads, 14400):  # and its DFU rate
        time.sleep(QUIET)
    time.sleep(QUIET)
    assert log.lines() == []
    # The same on the console is acted on (the test can see a line coding at all).
    listen_trick(device.console)
    log.wait_for("[listening] entered: host request")


def test_bytes_on_the_pads_are_not_console_commands(native_device):
    device = native_device("photon")
    log = DeviceLog(device)
    with PadsReader(device.test_pads) as pads:
        pads.send(b"x\r\nL")  # the console's exit listening mode, and reset to safe mode
        assert pads.read_for(QUIET) == b""
    time.sleep(QUIET)
    assert log.lines() == []
    with RawConsole(device.console) as console:
        console.send("x")  # the console does take it
    log.wait_for("[listening] exited")


def test_log_lines_and_frames_share_the_pads_cleanly(native_device):
    device = native_device("photon")
    ssid = b"Caf\xc3\xa9 \xfa\xce\x01"  # UTF-8, and the frame sync inside the name
    key = b"pads-secret-1"
    join = bytes([len(ssid)]) + ssid + struct.pack("<I", 0x00400004)  # WPA2 AES
    join += bytes([len(key)]) + key + struct.pack("<H", 2)
    with PadsReader(device.test_pads) as pads:
        log = DeviceLog(device)
        pads.send(PREAMBLE)
        hello = pads.wait_for_frames(1)[0]
        assert (hello.type, hello.seq) == (0xC0, 0)
        assert hello.payload == b"\x00\x01" + bytes.fromhex(device.info["device_id"])
        pads.send(request(0x04, 7, join))  # not in the Wi-Fi environment: not found
        reply = pads.wait_for_frames(2)[1]
        assert (reply.type, reply.seq, reply.payload) == (0x84, 7, bytes([33]))
        pads.read_for(QUIET)
        texts, frames = split_stream(bytes(pads.data))
    assert len(frames) == 2
    # Frames never split a log line: each text between them is whole lines (or nothing).
    for text in texts:
        if text:
            check_log_text(text)
    assert key not in bytes(pads.data)
    # The events are the ones on stderr; an SSID byte that is not printable ASCII would be '?'.
    assert b"".join(texts).decode("ascii").splitlines() == log.lines()
    assert any(line.startswith("[test] ") for line in log.lines())
