"""The host end of the bridge (harken.emulate.qemu_softap) against a scripted device on a
socket pair: listening follows the AP, credits bound what is sent, FIN/RESET/CLOSE/REFUSED
and a device reboot do what protocol/qemu-bridge.md says. No QEMU needed."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from harken.emulate.io_loop import IoLoop
from harken.emulate.qemu_softap import BridgedClient, SoftApRelay
from harken.protocol.bridge import (
    Frame,
    FrameDecoder,
    FrameType,
    Service,
    ap_frame,
    credit_frame,
    encode_frame,
    hello_frame,
)

TIMEOUT = 5.0


class ScriptedDevice:
    """The device end of USART2, driven by the test."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        sock.settimeout(TIMEOUT)
        self.decoder = FrameDecoder()
        self.frames: list[Frame] = []

    def send(self, *frames: Frame) -> None:
        self.sock.sendall(b"".join(encode_frame(f) for f in frames))

    def next(self) -> Frame:
        while not self.frames:
            data = self.sock.recv(4096)
            assert data, "the relay closed the link"
            self.frames += self.decoder.feed(data)
        return self.frames.pop(0)

    def expect(self, kind: FrameType, connection: int | None = None) -> Frame:
        frame = self.next()
        assert frame.type == kind, frame
        assert connection is None or frame.connection == connection, frame
        return frame

    def quiet(self, seconds: float = 0.2) -> None:
        """Nothing more arrives for ``seconds``."""
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            data = b""
        finally:
            self.sock.settimeout(TIMEOUT)
        assert not self.frames and not self.decoder.feed(data), "unexpected frames"

    def drain(self, seconds: float = 0.1) -> None:
        """Forget every frame that has come or comes within ``seconds``."""
        self.sock.settimeout(seconds)
        try:
            while self.sock.recv(4096):
                pass
        except TimeoutError:
            pass
        finally:
            self.sock.settimeout(TIMEOUT)
        self.frames.clear()
        self.decoder = FrameDecoder()


@pytest.fixture
def bridge() -> Iterator[tuple[SoftApRelay, ScriptedDevice, IoLoop]]:
    loop = IoLoop("relay-test")
    host_end, device_end = socket.socketpair()

    async def attach() -> SoftApRelay:
        relay = SoftApRelay(asyncio.get_running_loop(), 0, 0)
        await loop.loop.create_connection(lambda: relay.usart, sock=host_end)
        return relay

    relay = loop.run(attach(), TIMEOUT)
    device = ScriptedDevice(device_end)
    try:
        yield relay, device, loop
    finally:

        async def close() -> None:
            relay.close()
            if relay.usart.transport is not None:
                relay.usart.transport.abort()

        loop.run(close(), TIMEOUT)
        loop.stop()
        device_end.close()


def ap_up(relay: SoftApRelay, device: ScriptedDevice) -> tuple[int, int]:
    device.send(hello_frame(from_device=True), ap_frame(True))
    assert relay.wait_listening(True, TIMEOUT)
    return relay.ports[Service.SIMPLE], relay.ports[Service.HTTP]


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)


def read_to_end(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_frames_before_the_device_hello_are_ignored(bridge) -> None:
    relay, device, _ = bridge
    device.send(ap_frame(True))
    assert not relay.wait_listening(True, 0.3)
    assert relay.stats.stale == 1
    ap_up(relay, device)
    assert relay.stats.hellos == 1


def test_credit_bounds_what_is_sent_and_fin_follows_the_data(bridge) -> None:
    relay, device, _ = bridge
    tcp, _http = ap_up(relay, device)
    payload = bytes(range(256)) * 6  # 1536 bytes
    with connect(tcp) as client:
        client.sendall(payload)
        client.shutdown(socket.SHUT_WR)
        opened = device.expect(FrameType.OPEN)
        number = opened.connection
        assert 1 <= number <= 255 and opened.payload == bytes([Service.SIMPLE])
        device.quiet()  # no credit yet: nothing sent
        device.send(credit_frame(number, 512))
        sent = device.expect(FrameType.DATA, number).payload
        assert sent == payload[:512]
        device.quiet()
        device.send(credit_frame(number, 2000))
        while len(sent) < len(payload):
            frame = device.expect(FrameType.DATA, number)
            assert len(frame.payload) <= 512
            sent += frame.payload
        assert sent == payload
        device.expect(FrameType.FIN, number)
        device.send(Frame(FrameType.DEVICE_DATA, number, b"reply"), Frame(FrameType.CLOSE, number))
        assert read_to_end(client) == b"reply"
    assert relay.connections == 0


def test_http_clients_open_the_http_service_and_clients_interleave(bridge) -> None:
    relay, device, _ = bridge
    tcp, http = ap_up(relay, device)
    with connect(http) as web, connect(tcp) as simple:
        first = device.expect(FrameType.OPEN)
        second = device.expect(FrameType.OPEN)
        services = {first.payload[0], second.payload[0]}
        assert services == {Service.SIMPLE, Service.HTTP} and first.connection != second.connection
        by_service = {f.payload[0]: f.connection for f in (first, second)}
        device.send(
            Frame(FrameType.DEVICE_DATA, by_service[Service.HTTP], b"to web"),
            Frame(FrameType.DEVICE_DATA, by_service[Service.SIMPLE], b"to simple"),
            Frame(FrameType.CLOSE, by_service[Service.SIMPLE]),
            Frame(FrameType.CLOSE, by_service[Service.HTTP]),
        )
        assert read_to_end(simple) == b"to simple"
        assert read_to_end(web) == b"to web"


def test_a_client_reset_is_sent_and_its_number_waits_for_the_close(bridge) -> None:
    relay, device, _ = bridge
    tcp, _ = ap_up(relay, device)
    client = connect(tcp)
    number = device.expect(FrameType.OPEN).connection
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # an RST
    device.expect(FrameType.RESET, number)
    assert number in relay._closing
    device.send(Frame(FrameType.CLOSE, number))  # the device's answer: number free again
    with connect(tcp):
        device.expect(FrameType.OPEN)
    assert number not in relay._closing and relay.stats.stale == 1


def test_numbers_in_use_or_closing_are_never_handed_out(bridge) -> None:
    relay, _device, _ = bridge
    clients = [BridgedClient(relay, Service.SIMPLE) for _ in range(256)]
    numbers = [relay.attach(c) for c in clients[:255]]
    assert sorted(numbers) == list(range(1, 256))  # type: ignore[type-var]
    assert relay.attach(clients[255]) is None
    clients[9].number = numbers[9]  # type: ignore[assignment]
    relay.detach(clients[9], reset=True)
    assert relay.attach(clients[255]) is None  # reset, CLOSE not yet in
    relay._closing.clear()
    assert relay.attach(clients[255]) == numbers[9]


def test_refused_closes_the_client(bridge) -> None:
    relay, device, _ = bridge
    tcp, _ = ap_up(relay, device)
    with connect(tcp) as client:
        number = device.expect(FrameType.OPEN).connection
        device.send(Frame(FrameType.REFUSED, number))
        assert read_to_end(client) == b""
    assert relay.stats.refused == 1 and relay.connections == 0


@pytest.mark.parametrize("how", ["ap down", "reboot"])
def test_the_ap_going_down_or_a_reboot_drops_clients_and_stops_listening(bridge, how) -> None:
    relay, device, _ = bridge
    tcp, http = ap_up(relay, device)
    with connect(tcp) as client:
        device.expect(FrameType.OPEN)
        device.send(ap_frame(False) if how == "ap down" else hello_frame(from_device=True))
        assert relay.wait_listening(False, TIMEOUT)
        try:
            assert read_to_end(client) == b""
        except ConnectionResetError:
            pass
    with pytest.raises(ConnectionRefusedError):
        connect(tcp)
    device.quiet()  # the device forgot the connections: no RESET for them
    device.send(ap_frame(True))
    assert relay.wait_listening(True, TIMEOUT)
    assert (relay.ports[Service.SIMPLE], relay.ports[Service.HTTP]) == (tcp, http)
    with connect(http):
        assert device.expect(FrameType.OPEN).payload == bytes([Service.HTTP])


def test_a_client_connecting_as_the_ap_goes_down_is_closed_not_left_waiting(bridge) -> None:
    """The client's connection and the device's AP-down frame reach the relay in the same
    loop pass, the accept first: the client must be closed or reset, never kept open with
    nobody relaying it (asyncio's Server leaked exactly such a connection on 3.11)."""
    relay, device, loop = bridge
    tcp, _ = ap_up(relay, device)
    for _ in range(10):
        held, release = threading.Event(), threading.Event()

        def hold(held: threading.Event = held, release: threading.Event = release) -> None:
            held.set()
            release.wait(TIMEOUT)

        loop.call(hold)
        assert held.wait(TIMEOUT)
        with connect(tcp) as client:  # the kernel completes the handshake meanwhile
            client.sendall(b"version\n0\n\n")
            device.send(ap_frame(False))
            release.set()
            try:
                assert read_to_end(client) == b""
            except ConnectionResetError:
                pass
            except TimeoutError:
                pytest.fail("the client was accepted and then left waiting", pytrace=False)
        assert relay.wait_listening(False, TIMEOUT)
        device.send(ap_frame(True))
        assert relay.wait_listening(True, TIMEOUT)
        device.drain()
    assert relay.connections == 0


class FakeTransport(asyncio.Transport):
    aborted = False

    def abort(self) -> None:
        self.aborted = True


def test_a_client_accepted_by_an_earlier_ap_session_is_dropped(bridge) -> None:
    relay, device, loop = bridge
    ap_up(relay, device)
    device.send(ap_frame(False), ap_frame(True))  # the AP went down and up again
    deadline = time.monotonic() + TIMEOUT
    while relay._generation < 3:  # up, down, up
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert relay.wait_listening(True, TIMEOUT)
    late, fresh = FakeTransport(), FakeTransport()

    async def accept() -> None:
        BridgedClient(relay, Service.SIMPLE, relay._generation - 1).connection_made(late)
        BridgedClient(relay, Service.SIMPLE, relay._generation).connection_made(fresh)

    loop.run(accept(), TIMEOUT)
    assert late.aborted and not fresh.aborted
    device.expect(FrameType.OPEN)  # only the fresh one
    device.quiet()
