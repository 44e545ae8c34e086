"""Power cuts while configure-ap and set commit what a SoftAP host sent: after any cut the
store holds exactly the old or exactly the new configuration, an acknowledged write is never
lost, and the restarted device works: it listens with the setup AP up, or joins what it kept."""

from __future__ import annotations

import json
import random

from console_io import DeviceLog
from softap_wire import exchange, ports, tcp_request
from stored_config import decode_store
from test_power_cut import COMMIT_BYTES, POWER_CUT_EXIT

NETWORKS = [{"ssid": "Guest", "security": "0", "channel": 11, "rssi": -60}]
CONFIGURE = tcp_request("configure-ap", '{"idx":0,"ssid":"Guest","sec":0,"ch":11}')
CLAIM = tcp_request("set", json.dumps({"k": "cc", "v": "p" * 63}))


def cut_points() -> list[int]:
    """Both ends of each of the two commits, their last header bytes, and random points."""
    edges = {0, 1, COMMIT_BYTES - 1, COMMIT_BYTES, COMMIT_BYTES + 1, 2 * COMMIT_BYTES - 1}
    edges |= {COMMIT_BYTES - k for k in range(1, 17)} | {2 * COMMIT_BYTES - k for k in (2, 8, 16)}
    rng = random.Random(5609)
    while len(edges) < 48:
        edges.add(rng.randrange(2 * COMMIT_BYTES))
    return sorted(edges)


def send(port: int, request: bytes) -> bytes:
    try:
        return exchange(port, request, timeout=5)
    except OSError:
        return b""  # the power went while the request was in flight


def test_a_power_cut_during_softap_writes_leaves_old_or_new(native_device):
    device = native_device("photon", identity="photon-plain", wifi_env=NETWORKS)
    device.stop()  # key, setup SSID and product are stored: the next writes are ours
    store = device.state_dir / "dct.bin"
    old = store.read_bytes()
    device.start()
    assert send(ports(device)["tcp"], CONFIGURE) == b'\n\n{"r":0}'
    middle = store.read_bytes()
    assert send(ports(device)["tcp"], CLAIM) == b'\n\n{"r":0}'
    device.stop()
    contents = [decode_store(image).data for image in (old, middle, store.read_bytes())]
    assert len(set(contents)) == 3

    seen: list[int] = []
    for n in cut_points():
        store.write_bytes(old)
        device.power_cut_at = n
        device.start()
        acknowledged = []
        for request in (CONFIGURE, CLAIM):
            acknowledged.append(send(ports(device)["tcp"], request) == b'\n\n{"r":0}')
            if not acknowledged[-1]:
                break
        assert device.wait(5) == POWER_CUT_EXIT, f"no power cut at byte {n}"
        device.stop()
        data = decode_store(store.read_bytes()).data
        assert data in contents, f"cut at byte {n}: neither the old nor a new configuration"
        found = contents.index(data)
        assert found >= sum(acknowledged), f"cut at byte {n}: an acknowledged write was lost"
        device.power_cut_at = None
        device.start()
        if found == 0:  # nothing stored: listening, and the setup AP answers
            assert send(ports(device)["tcp"], tcp_request("version")) == b'\n\n{"v":2}'
        else:  # the stored network is joined at boot
            DeviceLog(device).wait_for("[network] joined")
        device.stop()
        assert decode_store(store.read_bytes()).data == data, f"cut at byte {n}: boot changed it"
        seen.append(found)
    assert seen == sorted(seen), "a later cut must never find an older configuration"
    assert {0, 1} <= set(seen)  # (a cut anywhere in the second commit leaves the first)
