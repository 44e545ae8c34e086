"""The SoftAP cryptography vectors (protocol/softap/crypto-vectors.json) checked with the
`cryptography` package; firmware/test/test_core/test_device_key.cpp replays the same file
against the device's mbedTLS code."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from harken.protocol.softap.implicit_rejection import rejection_key, synthetic_message

VECTORS = json.loads(
    (Path(__file__).resolve().parent.parent / "protocol/softap/crypto-vectors.json").read_text()
)
PRIVATE_DER = bytes.fromhex(VECTORS["private_key_der"])


def der_integers(der: bytes) -> list[tuple[int, int]]:
    """(width, value) of each INTEGER in a PKCS#1 RSAPrivateKey. Lenient on purpose: Particle's
    fixed widths keep leading zero bytes that a strict DER parser refuses."""
    assert der[:2] == b"\x30\x82"
    at, end, found = 4, 4 + int.from_bytes(der[2:4], "big"), []
    while at < end:
        assert der[at] == 0x02
        width, at = der[at + 1], at + 2
        if width & 0x80:
            size = width & 0x7F
            width, at = int.from_bytes(der[at : at + size], "big"), at + size
        found.append((width, int.from_bytes(der[at : at + width], "big")))
        at += width
    assert at == end == len(der)
    return found


INTEGERS = der_integers(PRIVATE_DER)
_, N, E, D, P, Q, DP, DQ, QP = (value for _, value in INTEGERS)
KEY = rsa.RSAPrivateNumbers(P, Q, D, DP, DQ, QP, rsa.RSAPublicNumbers(E, N)).private_key()


def device_plaintext(hex_text: str) -> bytes | None:
    """What the device accepts (spec §7.3, harken's strict reading): exactly 256 hex digits
    of a value below the modulus whose raw RSA decryption has PKCS#1 v1.5 type-2 padding."""
    if len(hex_text) != 256 or any(c not in string.hexdigits for c in hex_text):
        return None
    c = int(hex_text, 16)
    if c >= N:
        return None
    m = pow(c, D, N).to_bytes(128, "big")
    end = m.find(0, 2)
    if m[:2] != b"\x00\x02" or end < 10:  # at least 8 padding bytes
        return None
    return m[end + 1 :]


def test_private_key_has_particles_fixed_widths() -> None:
    assert len(PRIVATE_DER) == 611
    assert [width for width, _ in INTEGERS] == [1, 129, 3, 129, 65, 65, 65, 65, 65]
    assert E == 65537 and KEY.key_size == 1024


def test_public_key_b_is_derived_from_the_private_key() -> None:
    spki = KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert (spki + bytes(132)).hex().upper() == VECTORS["public_key_b"]
    assert spki[29:157] == PRIVATE_DER[11:139]  # Device OS copies the modulus by position


@pytest.mark.parametrize("case", VECTORS["decrypt"], ids=lambda c: c["name"])
def test_password_decrypts(case: dict) -> None:
    plain = KEY.decrypt(bytes.fromhex(case["pwd"]), padding.PKCS1v15())
    assert device_plaintext(case["pwd"]) == plain
    assert plain.split(b"\x00")[0] == case["plaintext"].encode()  # a C string on the device


@pytest.mark.parametrize("case", VECTORS["decrypt_rejected"], ids=lambda c: c["name"])
def test_password_is_rejected(case: dict) -> None:
    assert device_plaintext(case["pwd"]) is None


@pytest.mark.parametrize("case", VECTORS["decrypt_implicit"], ids=lambda c: c["name"])
def test_bad_padding_gets_the_synthetic_message(case: dict) -> None:
    """Badly padded, so the device substitutes the synthetic message; computed here with the
    host's twin of the firmware's derivation."""
    assert device_plaintext(case["pwd"]) is None
    message = synthetic_message(rejection_key(PRIVATE_DER), bytes.fromhex(case["pwd"]))
    assert message.hex() == case["message_hex"]
    assert len(message.split(b"\0")[0]) == case["plaintext_len"]


def test_eap_tls_key_decrypts_with_its_padding() -> None:
    v = VECTORS["eap_tls"]
    kiv = KEY.decrypt(bytes.fromhex(v["ek"]), padding.PKCS1v15())
    assert kiv == bytes.fromhex(v["kiv"])
    aes = Cipher(algorithms.AES(kiv[:16]), modes.CBC(kiv[16:])).decryptor()
    plain = aes.update(bytes.fromhex(v["key"])) + aes.finalize()
    assert plain == bytes.fromhex(v["plaintext_hex"])
    assert plain == b"-----BEGIN PRIVATE KEY-----\r\n\x03\x03\x03"  # PKCS#7 bytes stay


@pytest.mark.parametrize("case", VECTORS["eap_tls_rejected"], ids=lambda c: c["name"])
def test_eap_tls_material_is_rejected(case: dict) -> None:
    kiv = device_plaintext(case["ek"])
    key = case["key"]
    whole_blocks = key != "" and len(key) % 32 == 0 and all(c in string.hexdigits for c in key)
    assert kiv is None or len(kiv) != 32 or not whole_blocks
