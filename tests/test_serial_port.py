import os
import threading
import time
import tty

import pytest

from harken.transport.discovery import device_id_from_serial
from harken.transport.serial_port import ReadTimeout, SerialPort, TransportError


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def later(delay, action):
    timer = threading.Timer(delay, action)
    timer.start()
    return timer


def test_read_batch_waits_for_silence(pty_pair):
    master, path = pty_pair
    with SerialPort(path) as port:
        os.write(master, b"first ")
        later(0.1, lambda: os.write(master, b"second"))
        started = time.monotonic()
        # a long silence, so that a late timer on a loaded machine cannot split the batch
        assert port.read_batch(silence=1.0, timeout=5) == b"first second"
        assert time.monotonic() - started >= 1.0


def test_read_batch_times_out_without_bytes(pty_pair):
    _, path = pty_pair
    with SerialPort(path) as port, pytest.raises(ReadTimeout):
        port.read_batch(timeout=0.3)


def test_read_until_keeps_the_rest(pty_pair):
    master, path = pty_pair
    with SerialPort(path) as port:
        os.write(master, b"SSID: Password: tail")
        assert port.read_until(b"SSID: ", timeout=1) == b"SSID: "
        index, data = port.read_until_any((b"tail", b"Password: "), timeout=1)
        assert (index, data) == (1, b"Password: ")
        assert port.read_until(b"tail", timeout=1) == b"tail"


def test_read_until_across_chunks_and_timeout_hides_data(pty_pair):
    master, path = pty_pair
    with SerialPort(path) as port:
        later(0.05, lambda: os.write(master, b"Claim co"))
        later(0.15, lambda: os.write(master, b"de set to: x\r\n"))
        assert port.read_until(b"set to: ", timeout=2).endswith(b"Claim code set to: ")
        os.write(master, b"secret-password")
        with pytest.raises(ReadTimeout) as info:
            port.read_until(b"never", timeout=0.2)
        assert "secret" not in str(info.value)
        assert info.value.received.endswith(b"secret-password")


def test_write_and_discard(pty_pair):
    master, path = pty_pair
    with SerialPort(path) as port:
        os.write(master, b"stale")
        time.sleep(0.05)
        port.discard_input()
        port.write(b"w")
        assert os.read(master, 10) == b"w"
        os.write(master, b"fresh\r\n")
        assert port.read_until(b"\r\n", timeout=1) == b"fresh\r\n"


def test_open_failure_is_a_transport_error(tmp_path):
    with pytest.raises(TransportError):
        SerialPort(str(tmp_path / "no-such-port"))


def test_socket_url(tmp_path):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    url = f"socket://127.0.0.1:{server.getsockname()[1]}"
    with SerialPort(url) as port:
        conn, _ = server.accept()
        conn.sendall(b"Device claimed: no\r\n")
        assert port.read_until(b"\r\n", timeout=2) == b"Device claimed: no\r\n"
        port.write(b"c")
        assert conn.recv(1) == b"c"
        conn.close()
    server.close()


def test_device_id_from_usb_serial():
    assert device_id_from_serial("3A0028000447343232363230") == "3a0028000447343232363230"
    assert device_id_from_serial(r"USB\VID_2B04&PID_C006\3a0028000447343232363230") == (
        "3a0028000447343232363230"
    )
    assert device_id_from_serial("short") is None
    assert device_id_from_serial(None) is None
