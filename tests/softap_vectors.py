"""Test material of the SoftAP protocol: the spec's test RSA key and what the device and
Particle's clients make of it (protocol/softap/crypto-vectors.json, from softap spec §7.6),
and the spec's HTTP examples (§3.5). Test material only: the key protects nothing."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

PROTOCOL = Path(__file__).resolve().parent.parent / "protocol" / "softap"
CRYPTO = json.loads((PROTOCOL / "crypto-vectors.json").read_text(encoding="utf-8"))
EXCHANGES = json.loads((PROTOCOL / "vectors.json").read_text(encoding="utf-8"))

TEST_PRIVATE_KEY_DER_HEX: str = CRYPTO["private_key_der"]
"""611-byte PKCS#1 RSAPrivateKey (N 129, E 3, D 129, P/Q/DP/DQ/QP 65 bytes)."""
TEST_PUBLIC_KEY_B: str = CRYPTO["public_key_b"]
"""The ``b`` field of ``public-key`` for that key (588 upper-case hex characters)."""
_SPEC_PWD = next(v for v in CRYPTO["decrypt"] if v["name"] == "spec-pwd")
PASSWORD_CIPHERTEXT: str = _SPEC_PWD["pwd"]
PASSWORD_PLAINTEXT: str = _SPEC_PWD["plaintext"]
KIV = bytes.fromhex(CRYPTO["eap_tls"]["kiv"])
KIV_CIPHERTEXT: str = CRYPTO["eap_tls"]["ek"]
PRIVATE_KEY_CIPHERTEXT: str = CRYPTO["eap_tls"]["key"]
PRIVATE_KEY_DEVICE_PLAINTEXT = bytes.fromhex(CRYPTO["eap_tls"]["plaintext_hex"])
"""What the device makes of ``PRIVATE_KEY_CIPHERTEXT``: the PEM line, CRLF, PKCS#7 padding."""
PRIVATE_KEY_LINE = "-----BEGIN PRIVATE KEY-----"

VERSION_EXCHANGE_HTTP_BODY = b'7\r\n{"v":2}\r\n0\r\n\r\n'
SET_REPLY_HTTP_BODY = (
    b'1\r\n{\r\n1\r\n"\r\n1\r\nr\r\n1\r\n"\r\n1\r\n:\r\n1\r\n0\r\n1\r\n}\r\n0\r\n\r\n'
)
"""``{"r":0}`` as seven 1-byte chunks, as Device OS writes it (§3.5)."""
EXAMPLE_CLAIM_CODE = "dGhpc2lzYW5leGFtcGxlY2xhaW1jb2RlZm9ydGVzdGluZ3B1cnBvc2VzMDEyMzQ"


def _der_integers(der: bytes) -> list[int]:
    """The INTEGERs of a DER SEQUENCE of INTEGERs (lengths in short or 0x81/0x82 form)."""

    def length(at: int) -> tuple[int, int]:
        first = der[at]
        if first < 0x80:
            return first, at + 1
        width = first & 0x7F
        return int.from_bytes(der[at + 1 : at + 1 + width], "big"), at + 1 + width

    assert der[0] == 0x30
    _, at = length(1)
    values = []
    while at < len(der):
        assert der[at] == 0x02, "not an INTEGER"
        size, at = length(at + 1)
        values.append(int.from_bytes(der[at : at + size], "big"))
        at += size
    return values


def vector_private_key() -> RSAPrivateKey:
    """The test key, read field by field (Particle's fixed-width integers are not strict
    DER, which ``cryptography`` refuses)."""
    _, n, e, d, p, q, dp, dq, qp = _der_integers(bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qp, rsa.RSAPublicNumbers(e, n)).private_key()
