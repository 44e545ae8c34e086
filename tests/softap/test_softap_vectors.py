"""Replays protocol/softap/vectors.json over the native device's real sockets: every request
on its transport must get exactly the recorded bytes back, and the DCT must end up as
recorded. The C++ core tests replay the same file (test_softap_vectors.cpp)."""

from __future__ import annotations

import json
from pathlib import Path

from softap_wire import exchange, latin1, networks_of, ports, preload_device_key
from stored_config import check_claim_code, read_store

PROTOCOL = Path(__file__).resolve().parents[2] / "protocol" / "softap"
VECTORS = json.loads((PROTOCOL / "vectors.json").read_text())
CRYPTO = json.loads((PROTOCOL / "crypto-vectors.json").read_text())


def test_every_exchange_and_the_stored_result(native_device, tmp_path):
    state = tmp_path / "vectors"
    preload_device_key(state, bytes.fromhex(CRYPTO["private_key_der"]))
    device = native_device(
        VECTORS["device"]["platform"],
        identity={"device_id": VECTORS["device"]["device_id"], "mac": "6c:0b:84:12:34:56"},
        wifi_env=networks_of(VECTORS),
        state=state,
    )
    by_transport = ports(device)
    for case in VECTORS["cases"]:
        reply = exchange(by_transport[case["transport"]], latin1(case["request"]))
        assert reply == latin1(case["reply"]), case["name"]

    stored = read_store(device.state_dir)
    expected = VECTORS["stored_after"]
    check_claim_code(stored.claim_code, expected["claim_code"])
    assert [(n.ssid.decode(), n.security, n.channel, n.key.decode()) for n in stored.wifi] == [
        (w["ssid"], w["security"], w["channel"], w["key"]) for w in expected["wifi"]
    ]
