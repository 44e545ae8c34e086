"""TestPadsClient against the real native device's test pads (protocol/test-mode.md): entering
test mode, every command, what the fixture sees of the LED and the button, what the DCT keeps,
and corrupted input (each problem answered, nothing stored changed, the next command fine).
The stream vectors of protocol/test-mode/vectors.json are replayed on the live device too."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from harken.console.client import ConsoleClient
from harken.emulate.wifi_env import WifiNetwork
from harken.fixture.client import FixtureClient
from harken.mfg.test_pads import TestModeRefused, TestPadsClient, UnitNotAnswering
from harken.protocol import test_mode as tm
from harken.protocol.fixture_lines import LedEvent, LookEvent, ModeEvent
from harken.protocol.test_mode import Command, Frame, Status
from stored_config import read_store

ROOT = Path(__file__).resolve().parents[2]
STREAMS = json.loads((ROOT / "protocol" / "test-mode" / "vectors.json").read_text())["streams"]
WPA2_AES = 0x00400004
PASSWORD = "factory-pass-1"
CLAIM_CODE = "F4ct0ry" * 9
NETWORKS = [
    WifiNetwork("FactoryAP", WPA2_AES, channel=6, rssi=-48, password=PASSWORD),
    WifiNetwork("Guest", 0, channel=11, rssi=-71),
    WifiNetwork("Silent", WPA2_AES, channel=1, rssi=-80, password=PASSWORD, behaviour="timeout"),
    WifiNetwork("SlowAP", 0, channel=3, rssi=-60, join_ms=2500),
]
PHOTON_ID = "3a0028000447343232363230"
ELECTRON_ID = "3e002a000b51353432383931"
EVENT_TIMEOUT = 5.0


def start(native_device, platform: str = "photon", identity: str = "photon-plain"):
    return native_device(platform, identity=identity, wifi_env=NETWORKS)


@pytest.fixture
def unit(native_device):
    """A photon in test mode: (device, client)."""
    device = start(native_device)
    with TestPadsClient(device.test_pads) as client:
        client.enter()
        yield device, client


def dct(device) -> bytes:
    return (device.state_dir / "dct.bin").read_bytes()


def store_wifi(device) -> None:
    """A stored profile and a claim code, set up over the console in listening mode."""
    with ConsoleClient.open(device.console) as console:
        console.set_claim_code(CLAIM_CODE)
        console.configure_wifi("FactoryAP", password=PASSWORD)
    assert [n.ssid for n in read_store(device.state_dir).wifi] == [b"FactoryAP"]


def replies_within(client: TestPadsClient, count: int, timeout: float = 3.0) -> list[Frame]:
    frames: list[Frame] = []
    deadline = time.monotonic() + timeout
    while len(frames) < count and (frame := client.next_frame(deadline - time.monotonic())):
        frames.append(frame)
    return frames


# --- entering and identity -------------------------------------------------------------------


def test_enter_identify_and_ping(native_device):
    device = start(native_device)
    with TestPadsClient(device.test_pads) as client:
        hello = client.enter()
        assert (hello.version, hello.device_id) == (1, device.info["device_id"]) == (1, PHOTON_ID)
        assert client.ping() == 1
        identity = client.identify()
    assert identity.device_id == PHOTON_ID
    assert (identity.platform_id, identity.mac) == (6, "6c0b84123456")
    assert (identity.imei, identity.iccid, identity.serial_number) == ("", "", "")
    assert identity.system_version and identity.module_function in (3, 4, 5)


def test_the_fixture_reports_test_mode(native_device):
    device = start(native_device)
    with FixtureClient("127.0.0.1", device.fixture_port) as fixture:
        mark = fixture.mark()
        with TestPadsClient(device.test_pads) as client:
            client.enter()
            fixture.wait_for(
                lambda e: isinstance(e, ModeEvent) and e.name == "test", EVENT_TIMEOUT, since=mark
            )
            fixture.wait_for(
                lambda e: isinstance(e, LookEvent) and e.name == "TEST_MODE",
                EVENT_TIMEOUT,
                since=mark,
            )


def test_the_preamble_again_answers_hello_again(unit):
    device, client = unit
    assert client.enter().device_id == device.info["device_id"]
    assert client.ping() == 1


def test_the_log_text_reaches_the_client(unit):
    _, client = unit
    client.scan()
    deadline = time.monotonic() + EVENT_TIMEOUT
    while not client.log_lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.log_lines and all(line.startswith("[") for line in client.log_lines)


def test_an_electron_identifies_and_has_no_wifi(native_device):
    device = native_device("electron", identity="electron", wifi_env=NETWORKS)
    with TestPadsClient(device.test_pads) as client:
        assert client.enter().device_id == ELECTRON_ID
        identity = client.identify()
        assert (identity.platform_id, identity.mac) == (10, "000000000000")
        assert (identity.imei, identity.iccid) == ("352753090034567", "89340765000025876571")
        for call in (
            client.scan,
            client.rssi,
            lambda: client.join("FactoryAP", PASSWORD, WPA2_AES),
        ):
            with pytest.raises(TestModeRefused) as refused:
                call()
            assert refused.value.status == Status.UNSUPPORTED


# --- Wi-Fi -----------------------------------------------------------------------------------


def test_scan_lists_the_wifi_environment(unit):
    _, client = unit
    seen = {(n.ssid, n.security, n.channel, n.rssi) for n in client.scan()}
    assert seen == {(n.ssid, n.security, n.channel, n.rssi) for n in NETWORKS}


def test_join_then_rssi_and_nothing_is_stored(unit):
    device, client = unit
    before = dct(device)
    with pytest.raises(TestModeRefused) as refused:
        client.rssi()
    assert refused.value.status == Status.NOT_CONNECTED
    result = client.join("FactoryAP", PASSWORD, WPA2_AES, timeout_s=10)
    assert (result.status, result.rssi) == (Status.OK, -48)
    link = client.rssi()
    assert (link.ssid, link.rssi) == ("FactoryAP", -48)
    assert dct(device) == before


@pytest.mark.parametrize(
    ("ssid", "password", "status"),
    [
        ("FactoryAP", "not-the-password", Status.JOIN_WRONG_PASSWORD),
        ("NoSuchAP", PASSWORD, Status.JOIN_NOT_FOUND),
        ("Silent", PASSWORD, Status.JOIN_TIMED_OUT),
        ("SlowAP", "", Status.JOIN_TIMED_OUT),  # takes 2.5 s, the station allows 1
    ],
)
def test_a_failed_join_is_a_result(unit, ssid, password, status):
    device, client = unit
    before = dct(device)
    security = next((n.security for n in NETWORKS if n.ssid == ssid), WPA2_AES)
    result = client.join(ssid, password, security, timeout_s=1)
    assert (result.status, result.rssi) == (status, None)
    with pytest.raises(TestModeRefused):
        client.rssi()
    assert dct(device) == before


def test_while_a_join_runs_only_ping_and_identify_answer(unit):
    _, client = unit
    join = tm.encode_join_request(tm.JoinRequest("SlowAP", 0, "", 10))
    client.send_raw(tm.encode_frame(Command.JOIN, 200, join))
    time.sleep(0.2)
    assert client.ping() == 1
    assert client.identify().device_id == PHOTON_ID
    for call in (client.scan, client.button, lambda: client.led((1, 2, 3))):
        with pytest.raises(TestModeRefused) as refused:
            call()
        assert refused.value.status == Status.BUSY
    reply = client.next_frame(6.0)
    assert reply is not None and (reply.type, reply.seq) == (0x84, 200)
    assert tm.decode_join_reply(reply.payload) == tm.JoinResult(Status.OK, -60)
    assert client.button().presses == 0  # busy no more


def test_clear_credentials_empties_the_stored_profiles(native_device):
    device = start(native_device)
    store_wifi(device)
    with TestPadsClient(device.test_pads) as client:
        client.enter()
        client.clear_credentials()
    stored = read_store(device.state_dir)
    assert stored.wifi == ()
    assert stored.claim_code == CLAIM_CODE  # only the profiles go


# --- LED and button --------------------------------------------------------------------------


def test_a_held_colour_shows_on_the_fixture_and_goes_back(unit):
    device, client = unit
    with FixtureClient("127.0.0.1", device.fixture_port) as fixture:
        mark = fixture.mark()
        client.led((255, 0, 0))
        fixture.wait_for(
            lambda e: isinstance(e, LedEvent) and e.r > 0 and e.g == 0 and e.b == 0,
            EVENT_TIMEOUT,
            since=mark,
        )
        mark = fixture.mark()
        client.led(None)
        fixture.wait_for(
            lambda e: isinstance(e, LookEvent) and e.name == "TEST_MODE", EVENT_TIMEOUT, since=mark
        )


def wait_button(client: TestPadsClient, pressed: bool) -> tm.ButtonState:
    deadline = time.monotonic() + EVENT_TIMEOUT
    while (state := client.button()).pressed != pressed and time.monotonic() < deadline:
        time.sleep(0.05)
    return state


def test_the_button_is_seen_and_counted(unit):
    device, client = unit
    assert client.button() == tm.ButtonState(False, 0)
    with FixtureClient("127.0.0.1", device.fixture_port) as fixture:
        for presses in (1, 2):
            fixture.down()
            assert wait_button(client, True).pressed
            fixture.up()
            assert wait_button(client, False) == tm.ButtonState(False, presses)


def test_a_long_press_does_not_start_listening_mode(unit):
    device, client = unit
    before = dct(device)
    with FixtureClient("127.0.0.1", device.fixture_port) as fixture:
        mark = fixture.mark()
        fixture.press(4000)  # listening mode, outside test mode
        deadline = time.monotonic() + 4 * EVENT_TIMEOUT
        while (state := client.button()) != (done := tm.ButtonState(False, 1)):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert state == done  # pressed, counted and released
        assert not any(
            isinstance(e, ModeEvent) and e.name == "listening" for e in fixture.since(mark)
        )
    assert client.ping() == 1 and dct(device) == before


# --- resets ----------------------------------------------------------------------------------


def test_reboot_leaves_test_mode_until_entered_again(unit):
    device, client = unit
    client.reboot()
    client.timeout, client.retries = 0.5, 0
    with pytest.raises(UnitNotAnswering, match="enter"):
        client.ping()
    client.timeout, client.retries = 2.0, 2
    assert client.enter(timeout=10).device_id == device.info["device_id"]
    assert client.ping() == 1


def test_factory_reset_clears_the_setup_and_keeps_the_identity(native_device):
    device = start(native_device)
    store_wifi(device)
    with TestPadsClient(device.test_pads) as client:
        client.enter()
        client.factory_reset()
        # the unit resets: HELLO again, same device ID
        assert client.enter(timeout=10).device_id == PHOTON_ID
        assert client.identify().device_id == PHOTON_ID
    stored = read_store(device.state_dir)
    assert stored.wifi == () and stored.claim_code is None and not stored.claimed


# --- corrupted input -------------------------------------------------------------------------

PING_9 = tm.encode_frame(Command.PING, 9, b"")


@pytest.mark.parametrize(
    ("data", "pause", "expected"),
    [
        (PING_9[:-1] + bytes([PING_9[-1] ^ 0xFF]), 0.0, (Status.BAD_CRC, 9)),
        (b"\xfa\xce\x01\x05\x0b\x2c\x01" + bytes(304), 0.0, (Status.BAD_LENGTH, 11)),
        (b"\xfa\xce\x07\x00\x0c\x00\x00\x00\x00\x00\x00", 0.0, (Status.BAD_VERSION, 12)),
        (tm.encode_frame(Command.LED, 13, b"\x01\x02\x03\x01")[:8], 0.4, (Status.TRUNCATED, 13)),
        (bytes(range(256)).replace(b"\xfa", b"") * 2 + b"hello\r\n", 0.3, None),
    ],
    ids=["bad crc", "oversize length", "bad version", "truncated", "garbage"],
)
def test_corrupted_input_is_answered_and_changes_nothing(unit, data, pause, expected):
    device, client = unit
    before = dct(device)
    client.discard_frames()
    client.send_raw(data)
    time.sleep(pause)
    frames = replies_within(client, 1, timeout=1.0 if expected else 0.5)
    if expected is None:
        assert frames == []
    else:
        status, seq = expected
        assert [(f.type, f.seq, f.payload) for f in frames] == [(0xFF, seq, bytes([status]))]
    assert client.ping() == 1
    assert client.identify().device_id == PHOTON_ID
    assert dct(device) == before


@pytest.mark.parametrize("case", STREAMS, ids=[s["name"] for s in STREAMS])
def test_the_stream_vectors_on_the_live_device(unit, case):
    _, client = unit
    client.discard_frames()
    client.send_raw(bytes.fromhex(case["input_hex"]))
    frames = replies_within(client, len(case["replies"]))
    got = [{"type": f.type, "seq": f.seq, "status": tm.status_name(f.payload[0])} for f in frames]
    assert got == case["replies"]
    assert client.next_frame(0.3) is None  # nothing more
