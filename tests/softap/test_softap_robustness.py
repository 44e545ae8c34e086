"""Malformed and hostile SoftAP traffic over the native device's real sockets: every bad
request gets harken's clear error (or none, where Device OS's clients expect none), the
device keeps serving, a slow or silent client holds up nobody, and nothing stored changes.
Also the no-padding-oracle rule of protocol/softap.md §7."""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from harken.protocol.softap.implicit_rejection import rejection_key, synthetic_message
from softap_vectors import TEST_PRIVATE_KEY_DER_HEX, vector_private_key
from softap_wire import (
    HOST,
    exchange,
    http_body,
    http_request,
    ports,
    preload_device_key,
    read_to_close,
    tcp_request,
)

NETWORKS = [
    {"ssid": "HomeNet", "security": "400004", "channel": 6, "rssi": -52, "password": "P@ssw0rd!x"},
    {"ssid": "Guest", "security": "0", "channel": 11, "rssi": -71},
]
PASSWORD = "P@ssw0rd!x"
CLAIM = "c" * 63


def bad(code: int, error: str) -> bytes:
    return b"\n\n" + json.dumps({"r": code, "error": error}, separators=(",", ":")).encode()


@pytest.fixture
def device(native_device):
    return native_device("photon", identity="photon-plain", wifi_env=NETWORKS)


def dct(device) -> bytes:
    return (device.state_dir / "dct.bin").read_bytes()


def still_serving(device) -> None:
    reply = exchange(ports(device)["tcp"], tcp_request("device-id"))
    assert reply.startswith(b'\n\n{"id":"')


def public_key(device):
    reply = json.loads(exchange(ports(device)["tcp"], tcp_request("public-key")))
    return serialization.load_der_public_key(bytes.fromhex(reply["b"])[:162])


TCP_CASES = [
    ("oversized length", b"configure-ap\n99999\n\n", bad(-413, "body too large")),
    ("negative length", b"set\n-5\n\n", bad(-400, "bad length")),
    ("space in length", b"set\n 5\n\n{}", bad(-400, "bad length")),
    ("CR in header", b"version\r\n0\r\n\r\n", bad(-400, "bad command name")),
    ("empty name", b"\n0\n\n", bad(-400, "bad command name")),
    ("30-byte name", b"x" * 30 + b"\n0\n\n", bad(-400, "bad command name")),
    ("NUL in name", b"vers\x00ion\n0\n\n", bad(-400, "bad command name")),
    ("not JSON", tcp_request("configure-ap", "ssid=HomeNet&pwd=x"), bad(-400, "bad json")),
    ("truncated JSON", tcp_request("set", '{"k":"cc","v":"abc"'), bad(-400, "bad json")),
    ("JSON array", tcp_request("set", '["cc","abc"]'), bad(-400, "bad json")),
    (
        "unknown key",
        tcp_request("configure-ap", '{"ssid":"Guest","sec":0,"pass":"x"}'),
        bad(-400, "bad json"),
    ),
    ("wrong type", tcp_request("configure-ap", '{"ssid":7,"sec":0}'), bad(-400, "bad json")),
    ("nested object", tcp_request("set", '{"k":{"a":1},"v":"x"}'), bad(-400, "bad json")),
    (
        "bad hex",
        tcp_request(
            "configure-ap", json.dumps({"ssid": "HomeNet", "sec": 4194308, "pwd": "g" * 256})
        ),
        b'\n\n{"r":-4}',
    ),
    (
        "short ciphertext",
        tcp_request(
            "configure-ap", json.dumps({"ssid": "HomeNet", "sec": 4194308, "pwd": "ab" * 64})
        ),
        b'\n\n{"r":-4}',
    ),
    (
        "odd-length hex",
        tcp_request(
            "configure-ap", json.dumps({"ssid": "HomeNet", "sec": 4194308, "pwd": "a" * 255})
        ),
        b'\n\n{"r":-4}',
    ),
    ("unknown command", tcp_request("provision-keys"), bad(-404, "unknown command")),
]


@pytest.mark.parametrize(
    ("name", "request_bytes", "reply"), TCP_CASES, ids=[c[0] for c in TCP_CASES]
)
def test_malformed_tcp_requests_get_a_clear_error_and_change_nothing(
    device, name, request_bytes, reply
):
    before = dct(device)
    assert exchange(ports(device)["tcp"], request_bytes) == reply
    still_serving(device)
    assert dct(device) == before


HTTP_CASES = [
    ("no version", b"GET /version\r\n\r\n", b"400 Bad Request"),
    ("HTTP/2.0", b"GET /version HTTP/2.0\r\n\r\n", b"505 HTTP Version Not Supported"),
    ("unknown method", b"PATCH /set HTTP/1.1\r\n\r\n", b"405 Method Not Allowed"),
    (
        "huge length",
        b"POST /set HTTP/1.1\r\nContent-Length: 100000\r\n\r\n",
        b"413 Content Too Large",
    ),
    ("negative length", b"POST /set HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"400 Bad Request"),
    (
        "two lengths",
        b"POST /set HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"400 Bad Request",
    ),
    (
        "chunked body",
        b"POST /set HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"411 Length Required",
    ),
    (
        "header flood",
        b"GET /version HTTP/1.1\r\n"
        + b"X-Pad: "
        + b"p" * 200
        + b"\r\n" * 0
        + (b"X: " + b"y" * 100 + b"\r\n") * 90
        + b"\r\n",
        b"431 Request Header Fields Too Large",
    ),
    ("bad percent escape", b"GET /ver%zzsion HTTP/1.1\r\n\r\n", b"400 Bad Request"),
    ("NUL in path", b"GET /ver%00sion HTTP/1.1\r\n\r\n", b"400 Bad Request"),
    ("bad JSON", http_request("POST", "/configure-ap", "{"), b"400 Bad Request"),
]


@pytest.mark.parametrize(
    ("name", "request_bytes", "status"), HTTP_CASES, ids=[c[0] for c in HTTP_CASES]
)
def test_malformed_http_requests_get_a_status_and_change_nothing(
    device, name, request_bytes, status
):
    before = dct(device)
    reply = exchange(ports(device)["http"], request_bytes)
    assert reply.startswith(b"HTTP/1.1 " + status + b"\r\n")
    assert json.loads(http_body(reply))["r"] < 0
    still_serving(device)
    assert dct(device) == before


def test_a_short_body_from_a_half_closed_client_is_answered(device):
    assert exchange(ports(device)["tcp"], b'set\n50\n\n{"k"', half_close=True) == bad(
        -400, "incomplete request"
    )
    reply = exchange(
        ports(device)["http"], b"POST /set HTTP/1.1\r\nContent-Length: 50\r\n\r\n{", half_close=True
    )
    assert reply.startswith(b"HTTP/1.1 400 Bad Request")


def test_a_stalled_client_holds_up_nobody_and_then_times_out(device):
    by = ports(device)
    stalled = socket.create_connection((HOST, by["tcp"]))
    stalled.sendall(b'set\n40\n\n{"k":')  # and then nothing
    started = time.monotonic()
    for _ in range(5):
        assert exchange(by["tcp"], tcp_request("version")) == b'\n\n{"v":2}'
        assert http_body(exchange(by["http"], http_request("GET", "/version"))) == b'{"v":2}'
    assert time.monotonic() - started < 5  # served while the other request hangs
    assert read_to_close(stalled, timeout=30) == bad(-408, "timeout")
    stalled.close()


def test_a_request_trickling_in_byte_by_byte_is_answered(device):
    request = tcp_request("set", json.dumps({"k": "cc", "v": CLAIM}))
    reply = exchange(ports(device)["tcp"], request, slices=[1] * (len(request) - 1), pause=0.002)
    assert reply == b'\n\n{"r":0}'


def test_a_half_closed_client_with_a_whole_request_gets_its_reply(device):
    assert exchange(ports(device)["tcp"], tcp_request("version"), half_close=True) == b'\n\n{"v":2}'


def test_many_clients_at_once_are_all_answered(device):
    by = ports(device)
    replies: list[bytes] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        if i % 2:
            reply = http_body(exchange(by["http"], http_request("GET", "/device-id")))
        else:
            reply = exchange(by["tcp"], tcp_request("device-id")).lstrip(b"\n")
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == 24
    assert len(set(replies)) == 1 and replies[0].startswith(b'{"id":"')


def test_garbage_never_stops_the_service_or_touches_the_store(device):
    rng = random.Random(20261126)
    by = ports(device)
    before = dct(device)
    for _ in range(60):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        transport = rng.choice(["tcp", "http"])
        exchange(by[transport], junk, half_close=True)
    still_serving(device)
    assert dct(device) == before


def padded_block(rng: random.Random) -> bytes:
    """A random well-padded PKCS#1 v1.5 type-2 block: 00 02, >= 8 non-zero bytes, 00, M."""
    padding_len = rng.randrange(8, 120)
    padding_bytes = bytes(rng.randrange(1, 256) for _ in range(padding_len))
    message = bytes(rng.randrange(256) for _ in range(125 - padding_len))
    return b"\x00\x02" + padding_bytes + b"\x00" + message


def test_no_padding_oracle(native_device, tmp_path):
    """protocol/softap.md §7: the reply to a ciphertext depends only on the plaintext the
    device recovers — the real one, or for bad padding the synthetic one — never on whether
    the padding was good. With the test key the host predicts every reply exactly."""
    state = tmp_path / "test-key"
    preload_device_key(state, bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
    device = native_device("photon", identity="photon-plain", wifi_env=NETWORKS, state=state)
    numbers = vector_private_key().private_numbers()
    n, d, e = numbers.public_numbers.n, numbers.d, numbers.public_numbers.e
    synthetic_key = rejection_key(bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
    rng = random.Random(20261126)
    cases: list[tuple[str, bytes, bytes]] = []  # (kind, ciphertext, plaintext the device uses)
    while len(cases) < 60:
        if len(cases) % 2:
            block = padded_block(rng)
            ciphertext = pow(int.from_bytes(block, "big"), e, n).to_bytes(128, "big")
            cases.append(("good padding", ciphertext, block[block.index(0, 2) + 1 :]))
        else:
            value = rng.randrange(n)
            block = pow(value, d, n).to_bytes(128, "big")
            zero = block.find(0, 2)
            if block[:2] == b"\x00\x02" and zero >= 10:
                continue  # happens to be well padded
            ciphertext = value.to_bytes(128, "big")
            cases.append(("bad padding", ciphertext, synthetic_message(synthetic_key, ciphertext)))
    by = ports(device)
    outcomes = {"good padding": set(), "bad padding": set()}
    for kind, ciphertext, plaintext in cases:
        password = plaintext.split(b"\0")[0]
        expected = b'\n\n{"r":0}' if 8 <= len(password) <= 64 else b'\n\n{"r":-4}'
        body = json.dumps({"idx": 0, "ssid": "HomeNet", "sec": 4194310, "pwd": ciphertext.hex()})
        assert exchange(by["tcp"], tcp_request("configure-ap", body)) == expected, kind
        outcomes[kind].add(expected)
    # both kinds of ciphertext met both replies: neither reply marks the padding
    assert (
        outcomes["good padding"]
        == outcomes["bad padding"]
        == {
            b'\n\n{"r":0}',
            b'\n\n{"r":-4}',
        }
    )


def test_secrets_stay_out_of_the_log(device):
    key = public_key(device)
    by = ports(device)
    pwd = key.encrypt(PASSWORD.encode(), padding.PKCS1v15()).hex()
    body = json.dumps({"idx": 0, "ssid": "HomeNet", "sec": 4194310, "ch": 6, "pwd": pwd})
    assert exchange(by["tcp"], tcp_request("configure-ap", body)) == b'\n\n{"r":0}'
    assert exchange(by["tcp"], tcp_request("set", json.dumps({"k": "cc", "v": CLAIM}))) == (
        b'\n\n{"r":0}'
    )
    assert exchange(by["tcp"], tcp_request("connect-ap")) == b'\n\n{"r":0}'
    time.sleep(0.5)
    log = device.log_path.read_text()
    assert PASSWORD not in log and CLAIM not in log and pwd not in log


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_waiting_clients_do_not_spin_the_device(device):
    """Connections the device is not reading (queued behind a full pool, or waiting for a body
    buffer) must not keep its loop busy: it idles until something it waits for happens."""
    by = ports(device)
    held = []
    for _ in range(2):  # both body buffers, half-filled and then silent
        sock = socket.create_connection((HOST, by["tcp"]))
        sock.sendall(b"set\n40\n\n{")
        held.append(sock)
    waiting = socket.create_connection((HOST, by["tcp"]))
    waiting.sendall(tcp_request("set", '{"k":"cc","v":"abc"}'))
    extra = [socket.create_connection((HOST, by["http"])) for _ in range(6)]  # beyond the pool
    time.sleep(0.2)
    pid = device.info["pid"]
    before = cpu_seconds(pid)
    time.sleep(2.0)
    used = cpu_seconds(pid) - before
    for sock in held + [waiting] + extra:
        sock.close()
    assert used < 0.5, f"the device used {used:.2f} s of CPU in 2 s while clients waited"
