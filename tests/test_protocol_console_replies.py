"""The construct reply models against the golden vectors: parse gives the identity the
vector was recorded with, and building the parsed value gives back the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from construct import ConstructError

from harken.protocol.console_replies import REPLY_MODELS, Identify, Mac, Version

VECTORS = json.loads(
    (Path(__file__).resolve().parent.parent / "protocol/serial-console/vectors.json").read_text()
)
REPLIES = [
    (case["name"], case["identity"], ex["send"].encode(), ex["expect"].encode("latin-1"))
    for case in VECTORS["cases"]
    for ex in case["exchanges"]
    if ex["send"].encode() in REPLY_MODELS and ex["expect"]
]


@pytest.mark.parametrize("name,identity,command,reply", REPLIES, ids=[r[0] for r in REPLIES])
def test_reply_round_trips(name, identity, command, reply):
    model = REPLY_MODELS[command]
    assert model.build(model.parse(reply)) == reply


def identity_of(name: str) -> dict[str, str]:
    return VECTORS["identities"][name]


@pytest.mark.parametrize("name", ["photon-plain", "photon-otp", "electron"])
def test_identify_fields(name):
    identity = identity_of(name)
    reply = next(r for r in REPLIES if r[1] == name and r[2] == b"i")[3]
    value = Identify.parse(reply)
    assert value.device_id.hex() == identity["device_id"]
    extras = dict(value.get("extras", []))
    assert extras.get("Serial Number") == identity.get("serial_number")
    assert extras.get("IMEI") == identity.get("imei")
    assert extras.get("ICCID") == identity.get("iccid")


def test_mac_and_version_fields():
    mac = next(r for r in REPLIES if r[0] == "mac-photon")[3]
    assert Mac.parse(mac).mac.hex(":") == identity_of("photon-plain")["mac"]
    version = next(r for r in REPLIES if r[0] == "version")[3]
    assert Version.parse(version).version.split("+")[0] == "2.3.1"


def test_building_the_device_side():
    assert Mac.build({"mac": bytes.fromhex("6c0b84000001")}) == (
        b"Your device MAC address is\r\n6c:0b:84:00:00:01\r\n"
    )
    assert Identify.build({"device_id": bytes(range(12))}) == (
        b"Your device id is 000102030405060708090a0b\r\n"
    )


@pytest.mark.parametrize(
    "model,data",
    [
        (Mac, b"Your device MAC address is\r\n6c:0b:84"),  # cut short
        (Version, b"system firmware version: 2.3.1\r\n"),  # the LF before CRLF is missing
        (Identify, b"Your device ID is 00\r\n"),  # wrong case
    ],
)
def test_malformed_replies_are_rejected(model, data):
    with pytest.raises(ConstructError):
        model.parse(data)
