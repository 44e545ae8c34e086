"""The claim code (``C``) through harken's ConsoleClient and byte by byte, checked against
what the real native device stores."""

from __future__ import annotations

import pytest

from console_io import DeviceLog, RawConsole, enter_listening
from harken.console.client import ConsoleClient
from harken.console.errors import ClaimCodeRejected
from stored_config import (
    app_span,
    assert_only_changed,
    check_claim_code,
    check_same_bytes,
    read_store,
)

CODE_A = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6A7b8C9d0E1f"
CODE_B = "zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210zyxwvutsrqponmlkjihgfedcba9"
PROMPT = b"Enter 63-digit claim code: "
REFUSAL = b"Sorry, claim code is not 63 characters long. Claim code unchanged.\r\n"


def test_codes_are_63_characters():
    assert len(CODE_A) == len(CODE_B) == 63 and CODE_A != CODE_B


@pytest.mark.parametrize(
    "platform,identity", [("photon", "photon-plain"), ("p1", "p1-plain"), ("electron", "electron")]
)
def test_accepted_code_is_stored(native_device, platform, identity):
    device = native_device(platform, identity=identity)
    if platform == "electron":
        enter_listening(device)
    before = read_store(device.state_dir)
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE_A)
        assert client.claimed() is False  # a pending code is not a claim
    after = read_store(device.state_dir)
    check_claim_code(after.claim_code, CODE_A)
    assert after.claimed is False
    assert after.sector.sequence != before.sector.sequence
    assert_only_changed(before, after, [app_span("claim_code")], "claim code write")


def test_new_code_replaces_the_old_one(native_device):
    device = native_device("photon", identity="photon-plain")
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE_A)
        first = read_store(device.state_dir)
        client.set_claim_code(CODE_B)
    second = read_store(device.state_dir)
    check_claim_code(first.claim_code, CODE_A)
    check_claim_code(second.claim_code, CODE_B)
    assert second.sector.index != first.sector.index  # written to the other sector
    assert_only_changed(first, second, [app_span("claim_code")], "claim code rewrite")


@pytest.mark.parametrize("length", [0, 1, 40, 62])
def test_short_code_is_refused_and_nothing_changes(native_device, length):
    device = native_device("photon", identity="photon-plain")
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE_A)
        before = read_store(device.state_dir)
        short = CODE_B[:length]
        with pytest.raises(ClaimCodeRejected) as info:
            client.set_claim_code(short)
        message = str(info.value)
        assert "63" in message
        if short:
            assert short not in message
        assert CODE_A not in message
        assert client.claimed() is False  # still answering, back in command mode
    after = read_store(device.state_dir)
    check_claim_code(after.claim_code, CODE_A)
    check_same_bytes(after.sector.raw, before.sector.raw, "store after a refusal")


@pytest.mark.parametrize("length", [64, 100])
def test_overlong_code_is_not_sent(native_device, length):
    """The device would store the first 63 characters; harken refuses before sending."""
    device = native_device("photon", identity="photon-plain")
    log = DeviceLog(device)
    long_code = (CODE_B * 2)[:length]
    with ConsoleClient.open(device.console) as client:
        client.set_claim_code(CODE_A)
        before = (device.state_dir / "dct.bin").read_bytes()
        with pytest.raises(ClaimCodeRejected) as info:
            client.set_claim_code(long_code)
        assert long_code[:20] not in str(info.value) and f"has {length}" in str(info.value)
    check_same_bytes((device.state_dir / "dct.bin").read_bytes(), before, "dct.bin")
    check_claim_code(read_store(device.state_dir).claim_code, CODE_A)
    assert log.lines() == []


@pytest.mark.parametrize("bad", ["\n", "\x00"], ids=["line-break", "nul"])
def test_code_with_a_line_break_is_refused_locally(native_device, bad):
    device = native_device("photon", identity="photon-plain")
    with ConsoleClient.open(device.console) as client:
        with pytest.raises(ValueError):
            client.set_claim_code(CODE_A[:30] + bad + CODE_A[31:])
        assert client.claimed() is False
    assert read_store(device.state_dir).claim_code is None


def test_byte_trace_and_refusal_text(native_device):
    """The exact bytes of spec §4.4 for an accepted and a refused code on one port."""
    device = native_device("p1", identity="p1-plain")
    with RawConsole(device.console) as console:
        console.exchange("C", PROMPT, secrets=[CODE_A])
        console.exchange(
            CODE_A + "\n",
            f"{CODE_A}\r\nClaim code set to: {CODE_A}\r\n",
            secrets=[CODE_A],
        )
        console.exchange("C", PROMPT)
        console.exchange("tooshort\n", b"tooshort\r\n" + REFUSAL)
        assert b"tooshort" not in REFUSAL
    check_claim_code(read_store(device.state_dir).claim_code, CODE_A)


def test_exactly_63_then_more_keeps_the_first_63(native_device):
    """The 64th byte completes the line and is swallowed; the rest is flushed (§3.3)."""
    device = native_device("photon", identity="photon-plain")
    with RawConsole(device.console) as console:
        console.exchange("C", PROMPT)
        console.exchange(
            CODE_A + "EXTRA-BYTES\n",
            f"{CODE_A}\r\nClaim code set to: {CODE_A}\r\n",
            secrets=[CODE_A],
        )
        console.exchange("c", "Device claimed: no\r\n")  # the flushed tail did no harm
    check_claim_code(read_store(device.state_dir).claim_code, CODE_A)


def test_code_with_a_nul_byte_is_refused(native_device):
    """63 bytes on the wire, but the device's C string ends at the NUL: not 63 characters."""
    device = native_device("photon", identity="photon-plain")
    code = CODE_A[:20] + "\x00" + CODE_A[21:]
    with RawConsole(device.console) as console:
        console.exchange("C", PROMPT)
        console.exchange(code + "\n", code.encode("latin-1") + b"\r\n" + REFUSAL, secrets=[CODE_A])
    assert read_store(device.state_dir).claim_code is None
