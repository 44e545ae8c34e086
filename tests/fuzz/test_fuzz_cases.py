"""The generators are reproducible from their seed, stay within the protocol's shapes where
they mean to, and reproducers survive a round trip through their JSON file."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from harken.flash.ymodem_sender import crc16_xmodem
from harken.fuzz.case import Message
from harken.fuzz.console_cases import ConsoleCases
from harken.fuzz.reproducer import Reproducer, load_reproducer
from harken.fuzz.rsa_payloads import DeviceKey, good_ciphertext
from harken.fuzz.softap_cases import SoftApCases, SoftApModel
from harken.fuzz.ymodem_cases import YmodemCases
from harken.protocol.softap.framing import decode_request

KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)


def sources(seed):
    model = SoftApModel(key=DeviceKey.from_public_key(KEY.public_key()), ssids=("Home",))
    return [SoftApCases(seed, model), ConsoleCases(seed), YmodemCases(seed)]


@pytest.mark.parametrize("which", range(3))
def test_same_seed_same_cases_and_any_case_alone(which):
    first, second = sources(11)[which], sources(11)[which]
    cases = [first.case(i) for i in range(60)]
    assert [second.case(i) for i in range(60)] == cases
    assert second.case(42) == cases[42]  # a case needs no earlier ones
    assert sources(12)[which].case(0) != cases[0]
    assert all(c.messages for c in cases)


def test_valid_softap_requests_are_well_framed_and_decrypt():
    source = sources(3)[0]
    seen = set()
    for i in range(400):
        for message in source.case(i).messages:
            if message.channel == "tcp" and message.note == "configure-ap: valid":
                name, body = decode_request(message.data)
                fields = json.loads(body)
                seen.add(name)
                if "pwd" in fields:
                    plain = KEY.decrypt(bytes.fromhex(fields["pwd"]), padding.PKCS1v15())
                    assert 8 <= len(plain) <= 64
    assert seen == {"configure-ap"}


def test_unmutated_ymodem_packets_carry_valid_crcs():
    checked = 0
    for i in range(200):
        for message in YmodemCases(9).case(i).messages:
            data = message.data
            if len(data) == 133 and data[0] == 1 and data[1] + data[2] == 0xFF:
                crc = int.from_bytes(data[-2:], "big")
                assert crc in (0, crc16_xmodem(data[3:-2])) or message.note
                checked += 1
    assert checked > 50


def test_reproducer_round_trip(tmp_path):
    messages = (
        Message("tcp", b"version\n0\n\n", splits=(3, 5), gap_ms=5, half_close=True, note="n"),
        Message("console", b"C\x00\xff\n"),
    )
    saved = Reproducer("softap", "crash", "exited", 7, 31, "native", "photon", messages, 4, True)
    path = saved.save(tmp_path)
    assert path.name == "softap-crash-seed7-case31.json"
    assert load_reproducer(path) == saved
    assert [p for m in messages for p in m.pieces()][:3] == [b"ver", b"si", b"on\n0\n\n"]


def test_a_good_ciphertext_is_deterministic():
    from random import Random

    key = DeviceKey.from_public_key(KEY.public_key())
    assert good_ciphertext(Random(1), key, b"pw") == good_ciphertext(Random(1), key, b"pw")
