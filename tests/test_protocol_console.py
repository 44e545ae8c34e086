import pytest

from harken.protocol import console
from harken.protocol.console import (
    ConsoleFormatError,
    parse_claimed,
    parse_diagnostics,
    parse_identify,
    parse_mac,
    parse_version,
)


def test_identify_short_form():
    identity = parse_identify(b"Your device id is 3a0028000447343232363230\r\n")
    assert identity.device_id == "3a0028000447343232363230"
    assert identity.form == "short"
    assert identity.imei is None


def test_identify_short_form_upper_case_is_lowered():
    assert parse_identify("Your device id is 3A0028000447343232363230\r\n").device_id == (
        "3a0028000447343232363230"
    )


def test_identify_electron_long_form():
    reply = (
        b"Device ID: 3e002a000b51353432383931\r\n"
        b"IMEI: 352753090034567\r\n"
        b"ICCID: 89340765000025876571\r\n"
        b"Cell Radio Version: 23.60\r\n"
    )
    identity = parse_identify(reply)
    assert identity.form == "long"
    assert identity.device_id == "3e002a000b51353432383931"
    assert identity.imei == "352753090034567"
    assert identity.iccid == "89340765000025876571"
    assert identity.cell_radio_version == "23.60"
    assert identity.extra == {}


def test_identify_photon_with_otp_data_and_unknown_label():
    reply = (
        b"Device ID: 3a0028000447343232363230\r\n"
        b"Device Secret: ABCDEFGHJKLMNPQ\r\n"
        b"Serial Number: PH-123456-ABCD\r\n"
        b"weird: thing\r\n"
    )
    identity = parse_identify(reply)
    assert identity.device_secret == "ABCDEFGHJKLMNPQ"
    assert identity.serial_number == "PH-123456-ABCD"
    assert identity.extra == {"weird": "thing"}
    assert "ABCDEFGHJKLMNPQ" not in repr(identity)


def test_identify_rejects_garbage_without_quoting_it():
    with pytest.raises(ConsoleFormatError) as info:
        parse_identify(b"Password: hunter22\r\n")
    assert "hunter22" not in str(info.value)


def test_mac():
    assert parse_mac(b"Your device MAC address is\r\n6C:0B:84:AA:BB:CC\r\n") == "6c:0b:84:aa:bb:cc"
    assert parse_mac(b"Your device MAC address is\r\n00:00:00:00:00:00\r\n") == (
        "00:00:00:00:00:00"
    )
    with pytest.raises(ConsoleFormatError):
        parse_mac(b"Your device MAC address is\r\n")


def test_claimed():
    assert parse_claimed(b"Device claimed: yes\r\n") is True
    assert parse_claimed(b"Device claimed: no\r\n") is False
    with pytest.raises(ConsoleFormatError):
        parse_claimed(b"Device claimed: maybe\r\n")


def test_version_exact_bytes_and_minimal():
    version = parse_version(b"system firmware version: 2.3.1\n\r\n")
    assert version.version == "2.3.1" and not version.minimal
    minimal = parse_version(b"system firmware version: 1.5.2 minimal\n\r\n")
    assert minimal.version == "1.5.2" and minimal.minimal
    with pytest.raises(ConsoleFormatError):
        parse_version(b"\r\n")


def test_diagnostics():
    data = parse_diagnostics(b'{"sys:uptime":42,"net:rssi":{"err":-210}}\r\n')
    assert data == {"sys:uptime": 42, "net:rssi": {"err": -210}}
    with pytest.raises(ConsoleFormatError):
        parse_diagnostics(b'{"broken":\r\n')
    with pytest.raises(ConsoleFormatError):
        parse_diagnostics(b"nothing\r\n")


def test_claim_reply():
    assert console.claim_reply_accepted(b"x\r\nClaim code set to: abc\r\n") is True
    assert console.claim_reply_accepted(console.CLAIM_REJECTED + b"\r\n") is False
    assert console.claim_reply_accepted(b"partial") is None


def test_fixed_texts_match_the_spec():
    assert console.VERSION_END == b"\n\r\n"
    assert console.WIFI_SAVED.endswith(b"    Particle <3 you!\r\n\r\n")
    assert b"your device \r\n" in console.WIFI_SAVED
    assert console.SECURITY_PROMPT.endswith(b"5=WPA2 Enterprise: ")
    assert console.CLAIM_PROMPT == b"Enter 63-digit claim code: "
    assert console.SECURITY_DIGITS["wpa2-enterprise"] == "5"
    assert console.CIPHER_DIGITS == {"aes": "1", "tkip": "2", "aes+tkip": "3"}
