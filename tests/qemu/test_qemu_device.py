"""QemuDevice end to end: the Cortex-M3 image under QEMU netduino2, its console on a pty and a
socket:// URL, the 28800-baud trick through the fixture channel, and the SoftAP relayed over
the USART2 bridge to 127.0.0.1 TCP and HTTP ports."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import serial

from conftest import StartQemu, process_gone
from harken.console.client import ConsoleClient
from harken.emulate.native import read_identity
from harken.emulate.qemu import QemuDevice, QemuDeviceError
from harken.errors import HarkenError
from harken.softap.client import SoftApClient
from harken.softap.errors import SoftApUnreachable
from harken.transport.discovery import enter_listening_mode
from stored_config import read_store

TIMEOUT = 10.0
TCP_VERSION = b"version\n0\n\n"
TCP_VERSION_REPLY = b'\n\n{"v":2}'


def wait_for_log(device: QemuDevice, text: str, *, after: int = 0) -> None:
    """Wait until the event log holds ``text`` past byte ``after``."""
    deadline = time.monotonic() + TIMEOUT
    while text.encode() not in device.log_path.read_bytes()[after:]:
        assert time.monotonic() < deadline, f"{text!r} not logged: {device.log_path}"
        time.sleep(0.02)


def log_size(device: QemuDevice) -> int:
    return device.log_path.stat().st_size


def raw_exchange(port: int, request: bytes, *, half_close: bool = True) -> bytes:
    """Send ``request`` on a fresh connection and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
        return reply


def test_starts_and_answers_on_the_pty_and_the_socket_url(qemu_device: StartQemu) -> None:
    device = qemu_device(device_id="0123456789abcdef01234567")
    info = device.info
    assert info["event"] == "ready" and info["platform"] == "photon"
    assert Path(device.console).is_symlink() and info["pty"].startswith("/dev/pts/")
    assert device.running and device.pid == info["pid"]
    assert info["softap"] == {"tcp": device.softap_tcp_port, "http": device.softap_http_port}
    with ConsoleClient.open(device.console) as console:
        assert console.identify().device_id == "0123456789abcdef01234567"
    with ConsoleClient.open(device.serial_url) as console:
        assert console.identify().device_id == "0123456789abcdef01234567"
    assert "HELLO harken-fixture 1" in device.fixture_lines
    identity = (device.state_dir / "identity.txt").read_text().splitlines()
    assert identity[0] == "device_id=0123456789abcdef01234567"
    assert identity[1].startswith("mac=6c:0b:84:")  # kept, and what `m` reports
    with ConsoleClient.open(device.console) as console:
        assert console.mac() == identity[1].removeprefix("mac=")
    assert device.wifi_environment == []  # no wifi-env.txt: the radio sees nothing
    assert device.set_wifi_environment([]) == device.state_dir / "wifi-env.txt"
    assert device.fixture_lines[-1] == "OK"  # NET CLEAR, answered


def test_28800_trick_reenters_listening_mode_and_the_ap_follows(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert device.wait_ap(True, TIMEOUT)
    ports = (device.softap_tcp_port, device.softap_http_port)
    assert ports[0] is not None
    # With credentials stored, leaving listening mode sticks (without, it starts over).
    SoftApClient("127.0.0.1", ports[0], timeout=TIMEOUT).configure("HomeNet", security="open")
    mark = log_size(device)
    with ConsoleClient.open(device.console) as console:
        console.exit_listening()
        wait_for_log(device, "[listening] exited", after=mark)
        assert device.wait_ap(False, TIMEOUT)
        with pytest.raises(SoftApUnreachable) as refused:
            SoftApClient("127.0.0.1", ports[0], timeout=2).version()
        assert refused.value.refused
        mark = log_size(device)
        # open at 28800, close, pause (a pty has no line-coding events: the relay samples the
        # rate, so a client reopening at 9600 within microseconds could hide the 28800)
        console.listen(settle=0.2)
        wait_for_log(device, "[listening] entered: host request", after=mark)
        assert any(line == "OK" for line in device.fixture_lines)  # the BAUD line's answer
        assert console.identify().device_id == device.info["device_id"]
    assert device.wait_ap(True, TIMEOUT)
    assert (device.softap_tcp_port, device.softap_http_port) == ports  # kept across down/up
    assert SoftApClient("127.0.0.1", ports[0], timeout=TIMEOUT).version() == 2


@pytest.mark.parametrize("http", [False, True], ids=["tcp", "http"])
def test_softap_setup_through_the_bridge(qemu_device: StartQemu, http: bool) -> None:
    device = qemu_device()
    assert device.wait_ap(True, TIMEOUT)
    port = device.softap_http_port if http else device.softap_tcp_port
    client = SoftApClient("127.0.0.1", port, http=http, timeout=TIMEOUT)
    assert client.version() == 2
    info = client.device_info()
    assert (info.device_id, info.claimed) == (device.info["device_id"], False)
    assert client.public_key().key_size == 1024
    # WEP needs no scan entry (WPA does: tests/qemu/test_qemu_wifi.py).
    client.configure("OldWep", security="wep_psk", channel=1, password="0123456789")
    stored = read_store(device.state_dir).wifi[0]
    assert (stored.ssid, stored.security, stored.channel) == (b"OldWep", 1, 1)
    assert stored.key == bytes.fromhex("0123456789")  # RSA-decrypted on the Cortex-M3


def test_two_clients_at_once_and_a_half_close(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert device.wait_ap(True, TIMEOUT)
    tcp = device.softap_tcp_port
    assert tcp is not None
    first = socket.create_connection(("127.0.0.1", tcp), timeout=TIMEOUT)
    second = socket.create_connection(("127.0.0.1", tcp), timeout=TIMEOUT)
    with first, second:
        first.sendall(TCP_VERSION[:4])  # both open over the bridge, each half a request
        second.sendall(TCP_VERSION[:6])
        time.sleep(0.1)
        second.sendall(TCP_VERSION[6:])
        first.sendall(TCP_VERSION[4:])
        for sock in (second, first):
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
            assert reply == TCP_VERSION_REPLY
    # a client that finishes sending first (FIN) still gets its whole reply
    assert raw_exchange(tcp, TCP_VERSION, half_close=True) == TCP_VERSION_REPLY
    http = device.softap_http_port
    assert http is not None
    replies: list[int] = []
    clients = [
        threading.Thread(
            target=lambda h=h: replies.append(
                SoftApClient("127.0.0.1", http if h else tcp, http=h, timeout=TIMEOUT).version()
            )
        )
        for h in (False, True, False, True)
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(TIMEOUT)
    assert replies == [2, 2, 2, 2]
    assert device.bridge_stats.ignored == 0


def test_a_reboot_drops_the_clients_and_the_relay_follows(qemu_device: StartQemu) -> None:
    device = qemu_device()
    assert device.wait_ap(True, TIMEOUT)
    tcp = device.softap_tcp_port
    assert tcp is not None
    idle = socket.create_connection(("127.0.0.1", tcp), timeout=TIMEOUT)
    with idle:
        idle.sendall(b"vers")  # an unfinished request, held open across the reboot
        mark = log_size(device)
        with serial.Serial(device.console, 9600, timeout=1) as port:
            port.write(b"L")  # safe-mode listen: the device resets
        wait_for_log(device, "[system] booted", after=mark)
        try:
            assert idle.recv(4096) == b""  # dropped: closed or reset, never answered
        except ConnectionResetError:
            pass
    assert device.bridge_stats.hellos == 2
    assert device.wait_ap(True, TIMEOUT)
    assert SoftApClient("127.0.0.1", tcp, timeout=TIMEOUT).version() == 2


def test_the_electron_has_a_console_a_sim_and_no_softap(qemu_device: StartQemu) -> None:
    device = qemu_device("electron")
    assert "softap" not in device.info and device.softap_tcp_port is None
    stored = read_identity(device.state_dir)
    enter_listening_mode(device.console)  # with a SIM it boots into normal operation
    with ConsoleClient.open(device.console) as console:
        identity = console.identify()
    # The modem identity kept in identity.txt reaches the image as boot arguments.
    assert identity.device_id == device.info["device_id"]
    assert (identity.imei, identity.iccid) == (stored["imei"], stored["iccid"])
    assert len(stored["imei"]) == 15 and stored["iccid"].startswith("8901")


def test_a_clean_stop_leaves_nothing_behind(qemu_device: StartQemu) -> None:
    device = qemu_device()
    pid = device.pid
    assert pid is not None
    threads_before = {t.name for t in threading.enumerate()}
    assert device.stop() == 0
    assert process_gone(pid) and not device.running
    assert not Path(device.state_dir / "console").exists()
    assert not [
        t.name for t in threading.enumerate() if t.name.startswith("qemu") and t.is_alive()
    ], threads_before
    started = device.restart()  # same state and ports, a new QEMU
    assert started["device_id"] == device.info["device_id"] and device.pid != pid


def test_a_failed_start_leaves_no_qemu(tmp_path: Path) -> None:
    junk = tmp_path / "junk.elf"
    junk.write_bytes(b"not an image")  # QEMU loads it raw; the guest never greets
    device = QemuDevice(tmp_path / "state", "photon", image=junk, ready_timeout=1.0)
    with pytest.raises(QemuDeviceError, match="did not greet"):
        device.start()
    pid = device.pid
    assert pid is not None and process_gone(pid) and not device.running
    assert not (tmp_path / "state" / "console").exists()


def test_qemu_exiting_at_once_is_reported(tmp_path: Path) -> None:
    junk = tmp_path / "junk.elf"
    junk.write_bytes(b"not an image")
    device = QemuDevice(tmp_path / "state", "photon", image=junk, qemu="false")
    with pytest.raises(HarkenError, match="exited"):
        device.start()
    assert not device.running


def test_several_devices_run_in_parallel_without_port_clashes(qemu_device: StartQemu) -> None:
    """Four QEMU devices started at once each get their own ports and answer on them."""
    devices: list[QemuDevice] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def start(index: int) -> None:
        try:
            device = qemu_device(device_id=f"{index:024x}")
            with lock:
                devices.append(device)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i + 1,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    ports = [p for d in devices for p in (d.softap_tcp_port, d.softap_http_port)]
    assert len(devices) == 4 and len(set(ports)) == 8
    for device in devices:
        with ConsoleClient.open(device.console) as console:
            assert console.identify().device_id == device.info["device_id"]
        assert raw_exchange(device.softap_tcp_port, TCP_VERSION) == TCP_VERSION_REPLY
