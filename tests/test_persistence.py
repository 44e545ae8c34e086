"""What survives a restart of the native device: the claim code, Wi-Fi and enterprise
credentials, the identity; and what a restart does with them (no listening mode once the
device has credentials)."""

from __future__ import annotations

import pytest

from console_io import DeviceLog, RawConsole, enter_listening
from harken.console.client import ConsoleClient
from harken.console.errors import ConsoleTimeout
from harken.protocol.dct import decode_app_dct
from stored_config import assert_only_changed, check_claim_code, read_store

CODE = "P3rs1st" * 9
PASSWORD = "persistent passphrase"
PEAP_PASSWORD = "peap-persistent"


def configure(device) -> None:
    """Claim code, a PEAP enterprise profile, then a WPA2 profile (slot order 2, 1)."""
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE)
        client.configure_wifi(
            "Corp",
            username="bob",
            password=PEAP_PASSWORD,
            outer_identity="anon",
        )
    enter_listening(device)
    with ConsoleClient.open(device.console) as client:
        client.configure_wifi("HomeNet", password=PASSWORD)


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_configuration_survives_restart(native_device, how):
    device = native_device("photon", identity="photon-plain")
    configure(device)
    before = read_store(device.state_dir)
    check_claim_code(before.claim_code, CODE)
    assert [n.ssid for n in before.wifi] == [b"HomeNet", b"Corp"]
    if how == "stop":
        assert device.stop() == 0
    else:
        device.kill()
    log = DeviceLog(device)
    device.start()
    # with credentials the device boots straight to joining, not into listening mode
    assert not any(line.startswith("[listening]") for line in log.lines())
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(ConsoleTimeout):
            client.claimed(timeout=0.3)
    enter_listening(device)
    with ConsoleClient.open(device.console) as client:
        assert client.identify().device_id == "3a0028000447343232363230"
        assert client.claimed() is False
    after = read_store(device.state_dir)
    assert_only_changed(before, after, [], "restart")  # every stored byte is unchanged
    assert after.eap.inner_identity == b"bob" and after.eap.type == 25


def test_electron_claim_code_survives_restart(native_device):
    device = native_device("electron", identity="electron")
    enter_listening(device)
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE)
    device.restart()
    enter_listening(device)
    with RawConsole(device.console) as console:
        console.exchange("c", "Device claimed: no\r\n")
    check_claim_code(read_store(device.state_dir).claim_code, CODE)


def test_generated_identity_survives_restart(native_device):
    device = native_device("p1")  # no identity.txt: the program creates one
    with ConsoleClient.open(device.console) as client:
        first = client.identify().device_id
        mac = client.mac()
    identity_file = (device.state_dir / "identity.txt").read_text()
    for _ in range(3):
        device.restart()
        with ConsoleClient.open(device.console) as client:
            assert client.identify().device_id == first
            assert client.mac() == mac
    assert (device.state_dir / "identity.txt").read_text() == identity_file
    assert decode_app_dct(read_store(device.state_dir).sector.app_dct).device_id == first


def test_restarts_keep_one_valid_store_and_count_up(native_device):
    device = native_device("photon", identity="photon-plain")
    sequences = []
    for i in range(4):
        with ConsoleClient.open(device.console) as client:
            client.set_claim_code(f"{i}" * 63)
        sequences.append(read_store(device.state_dir).sector.sequence)
        device.restart()
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    check_claim_code(read_store(device.state_dir).claim_code, "3" * 63)


def test_product_change_at_boot_keeps_the_rest(native_device):
    device = native_device("photon", identity="photon-plain", product_id=100, product_version=1)
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE)
    device.stop()
    device.product_id, device.product_version = 200, 7
    device.start()
    stored = read_store(device.state_dir)
    app = decode_app_dct(stored.sector.app_dct)
    assert (app.product_id, app.product_version) == (200, 7)
    check_claim_code(stored.claim_code, CODE)


def test_wifi_environment_is_read_at_every_scan(native_device):
    """The environment file is re-read for each scan: a network that appears after boot is
    found without a restart."""
    device = native_device("photon", identity="photon-plain", wifi_env=[])
    with RawConsole(device.console) as console:
        console.exchange("w", "SSID: ")
        console.exchange(
            "Later\n",
            "Later\r\nSecurity 0=unsecured, 1=WEP, 2=WPA, 3=WPA2, 4=WPA Enterprise, "
            "5=WPA2 Enterprise: ",
        )
        (device.state_dir / "wifi-env.txt").write_text("Later\t00400004\t1\t-40\n")
        console.exchange("3\n", "3\r\nSecurity Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ")
        console.exchange("1\n", "1\r\nPassword: ")
        console.exchange("short\n", "short\r\nThanks! Wait while I save those credentials...\r\n"
                         "\r\nDerp. Sorry, we couldn't save the credentials.\r\n\r\n")  # fmt: skip
        console.exchange("w", "SSID: ")
        console.exchange("Later\n", "Later\r\nPassword: ")  # now scanned: WPA2-AES
