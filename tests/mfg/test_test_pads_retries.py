"""TestPadsClient's own rules (resend on FRAME_ERROR, drop a reply with a bad CRC, give up
with a clear error, cycle sequence numbers, keep the log text) on a real pty, with a scripted
unit on the other end. The client is the thing under test; the native device's test mode is
tested in test_test_pads_client.py."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from harken.mfg.test_pads import (
    TestModeProtocolError,
    TestModeRefused,
    TestPadsClient,
    UnitNotAnswering,
)
from harken.protocol import test_mode as tm
from harken.protocol.test_mode import Command, Frame, FrameReader, Status
from harken.transport.serial_port import TransportError

DEVICE_ID = "3a0021000d47353136383631"
SECRET = "never-in-a-message-42"
Script = Callable[[Frame, int], list[bytes]]
"""What the unit writes for a request (and how many requests came before it)."""


class ScriptedUnit:
    """The pty master: reads requests with the protocol's own reader, answers per script."""

    def __init__(self, script: Script) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave
        self.script = script
        self.requests: list[Frame] = []
        self.preambles = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        reader = FrameReader(tm.MAX_REQUEST)
        seen = b""
        while not self._stop:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            seen = (seen + data)[-64:]
            if tm.PREAMBLE in seen:
                seen = b""
                self.preambles += 1
                os.write(
                    self.master, tm.encode_frame(0xC0, 0, b"\x00\x01" + bytes.fromhex(DEVICE_ID))
                )
            for event in reader.feed(data):
                if isinstance(event, Frame):
                    self.requests.append(event)
                    for out in self.script(event, len(self.requests) - 1):
                        os.write(self.master, out)

    def close(self) -> None:
        if self._stop:
            return
        self._stop = True
        os.close(self._slave)
        os.close(self.master)
        self._thread.join(timeout=2)


def ok(frame: Frame, body: bytes = b"") -> bytes:
    return tm.encode_frame(frame.type | 0x80, frame.seq, b"\x00" + body)


PING_BODY = b"\x01\x00\x04"


@pytest.fixture
def unit() -> Iterator[Callable[[Script], tuple[ScriptedUnit, TestPadsClient]]]:
    made: list[tuple[ScriptedUnit, TestPadsClient]] = []

    def make(script: Script, **options: object) -> tuple[ScriptedUnit, TestPadsClient]:
        peer = ScriptedUnit(script)
        client = TestPadsClient(peer.path, timeout=0.5, **options)  # type: ignore[arg-type]
        made.append((peer, client))
        return peer, client

    yield make
    for peer, client in made:
        client.close()
        peer.close()


def test_enter_returns_the_hello(unit):
    peer, client = unit(lambda f, n: [])
    hello = client.enter(timeout=3)
    assert (hello.version, hello.device_id) == (1, DEVICE_ID)
    assert peer.preambles >= 1


def test_a_frame_error_makes_the_client_resend(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        if n == 0:
            return [tm.encode_frame(0xFF, frame.seq, bytes([Status.BAD_CRC]))]
        return [ok(frame, PING_BODY)]

    peer, client = unit(script)
    assert client.ping() == 1
    assert len(peer.requests) == 2
    assert peer.requests[0] == peer.requests[1]  # the same request, the same seq


def test_a_reply_with_a_bad_crc_is_dropped_and_the_request_resent(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        good = ok(frame, PING_BODY)
        return [good[:-1] + bytes([good[-1] ^ 0x55])] if n == 0 else [good]

    peer, client = unit(script)
    assert client.ping() == 1
    assert len(peer.requests) == 2


def test_log_text_around_a_reply_is_kept(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        return [b"[wifi] scanning\r\n", ok(frame, b"\x00"), b"[wifi] scan done\r\n"]

    _, client = unit(script)
    assert client.scan() == []
    deadline = time.monotonic() + 2
    while len(client.log_lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.log_lines == ["[wifi] scanning", "[wifi] scan done"]


def test_a_reply_that_stops_part_way_is_forgotten(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        return [ok(frame, PING_BODY)[:6]] if n == 0 else [ok(frame, PING_BODY)]

    peer, client = unit(script)
    assert client.ping() == 1
    assert len(peer.requests) == 2


def test_no_reply_after_every_retry(unit):
    peer, client = unit(lambda f, n: [], retries=2)
    with pytest.raises(UnitNotAnswering, match=r"no reply to IDENTIFY within 0\.5 s, 3 tries") as e:
        client.identify()
    assert "enter()" in str(e.value)
    assert len(peer.requests) == 3


def test_replies_to_other_requests_are_not_taken(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        stale = tm.encode_frame(frame.type | 0x80, (frame.seq + 1) % 256, b"\x00" + PING_BODY)
        other = tm.encode_frame(0x89, frame.seq, b"\x00\x00\x00\x00")
        return [stale, other, ok(frame, PING_BODY)]

    peer, client = unit(script)
    assert client.ping() == 1
    assert len(peer.requests) == 1


def test_sequence_numbers_cycle_from_1_to_255(unit):
    peer, client = unit(lambda f, n: [ok(f, PING_BODY)])
    for _ in range(257):
        client.ping()
    seqs = [r.seq for r in peer.requests]
    assert seqs[:2] == [1, 2] and seqs[254:] == [255, 1, 2]
    assert 0 not in seqs


def test_a_refusal_carries_its_status(unit):
    _, client = unit(lambda f, n: [tm.encode_frame(f.type | 0x80, f.seq, bytes([9]))])
    with pytest.raises(TestModeRefused, match="RSSI: not_connected") as e:
        client.rssi()
    assert e.value.status == Status.NOT_CONNECTED


def test_join_outcomes_are_results_and_never_show_the_password(unit):
    outcomes = iter([b"\x00\xc4\xff", b"\x20", b"\x07"])
    peer, client = unit(lambda f, n: [tm.encode_frame(0x84, f.seq, next(outcomes))])
    joined = client.join("FactoryAP", SECRET, 0x00400004, timeout_s=1)
    assert (joined.status, joined.rssi) == (Status.OK, -60)
    wrong = client.join("FactoryAP", SECRET, 0x00400004, timeout_s=1)
    assert (wrong.status, wrong.rssi) == (Status.JOIN_WRONG_PASSWORD, None)
    with pytest.raises(TestModeRefused, match="busy") as e:
        client.join("FactoryAP", SECRET, 0x00400004, timeout_s=1)
    assert SECRET not in str(e.value)
    request = tm.decode_join_request(peer.requests[0].payload)
    assert (request.ssid, request.key, request.timeout_s) == ("FactoryAP", SECRET, 1)


def test_a_join_the_unit_never_answers_names_no_password(unit):
    _, client = unit(lambda f, n: [], retries=0)
    with pytest.raises(UnitNotAnswering, match="JOIN within 6.0 s") as e:
        client.join("FactoryAP", SECRET, 0x00400004, timeout_s=1)
    assert SECRET not in str(e.value) and SECRET not in repr(e.value)


def test_a_reply_that_does_not_decode(unit):
    _, client = unit(lambda f, n: [ok(f, b"\x01")])
    with pytest.raises(TestModeProtocolError, match="IDENTIFY reply does not decode"):
        client.identify()


def test_led_none_gives_the_led_back(unit):
    peer, client = unit(lambda f, n: [ok(f)])
    client.led((1, 2, 3))
    client.led(None)
    assert [r.payload for r in peer.requests] == [b"\x01\x02\x03\x01", b"\x00\x00\x00\x00"]
    assert all(r.type == Command.LED for r in peer.requests)


def test_a_port_that_goes_away_is_reported(unit):
    peer, client = unit(lambda f, n: [])
    peer.close()
    with pytest.raises((UnitNotAnswering, TransportError)) as e:
        client.ping()
    message = str(e.value)
    assert "the port failed" in message or "test pads" in message


def test_a_socket_url_works_as_a_port():
    """QEMU's test pads are also served as socket://127.0.0.1:PORT."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        reader = FrameReader(tm.MAX_REQUEST)
        with conn:
            while data := conn.recv(4096):
                for event in reader.feed(data):
                    if isinstance(event, Frame):
                        conn.sendall(b"[test] ping\r\n" + ok(event, PING_BODY))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with TestPadsClient(f"socket://127.0.0.1:{port}", timeout=2.0) as client:
            assert client.ping() == 1
    finally:
        server.close()
        thread.join(timeout=2)


def test_a_second_station_on_the_same_pads_is_refused(unit):
    peer, _ = unit(lambda f, n: [])
    with pytest.raises(TransportError, match="cannot open the test pads"):
        TestPadsClient(peer.path)


def test_a_reboot_without_a_reply_is_not_sent_again(unit):
    # The unit may have reset already; a second REBOOT would reach whatever runs next.
    peer, client = unit(lambda f, n: [])
    with pytest.raises(UnitNotAnswering, match="REBOOT within 0.5 s, 1 tries"):
        client.reboot()
    with pytest.raises(UnitNotAnswering, match="FACTORY_RESET"):
        client.factory_reset()
    assert [r.type for r in peer.requests] == [Command.REBOOT, Command.FACTORY_RESET]


def test_a_reboot_the_unit_could_not_read_is_sent_again(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        if n == 0:
            return [tm.encode_frame(0xFF, frame.seq, bytes([Status.BAD_CRC]))]
        return [ok(frame)]

    peer, client = unit(script)
    client.reboot()
    assert len(peer.requests) == 2 and peer.requests[0] == peer.requests[1]


def test_a_frame_error_for_another_request_is_not_a_reason_to_resend(unit):
    def script(frame: Frame, n: int) -> list[bytes]:
        stray = tm.encode_frame(0xFF, (frame.seq + 7) % 256 or 1, bytes([Status.TRUNCATED]))
        return [stray, ok(frame, PING_BODY)]

    peer, client = unit(script)
    assert client.ping() == 1
    assert len(peer.requests) == 1


def test_a_resent_join_that_finds_the_first_running_waits_for_its_outcome(unit):
    # The first JOIN is read but its start is lost on the line (a FRAME_ERROR for it comes
    # back); the resend meets the running join: busy, same seq; then the outcome.
    def script(frame: Frame, n: int) -> list[bytes]:
        if n == 0:
            return [tm.encode_frame(0xFF, frame.seq, bytes([Status.BAD_CRC]))]
        busy = tm.encode_frame(0x84, frame.seq, bytes([Status.BUSY]))
        return [busy, tm.encode_frame(0x84, frame.seq, b"\x00\xd0\xff")]

    peer, client = unit(script)
    joined = client.join("FactoryAP", SECRET, 0x00400004, timeout_s=1)
    assert (joined.status, joined.rssi) == (Status.OK, -48)
    assert len(peer.requests) == 2
