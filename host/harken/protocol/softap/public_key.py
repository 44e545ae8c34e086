"""The ``public-key`` payload (softap spec §5.6, §7.1) and the host's encryption (§7.2, §7.4).

The device sends 294 bytes as upper-case hex: the 162-byte DER SubjectPublicKeyInfo of its
RSA-1024 key, then 132 zero bytes. Secrets to the device are RSA PKCS#1 v1.5 ciphertexts in
lower-case hex; an EAP-TLS private key travels AES-128-CBC encrypted under a random key and
IV that are themselves RSA-encrypted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from construct import Bytes, Const, ConstructError, Struct
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding as symmetric_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from harken.protocol.softap.format_errors import ReplyFormatError

SPKI_LENGTH = 162
PADDING_LENGTH = 132
PADDED_LENGTH = SPKI_LENGTH + PADDING_LENGTH  # 294
KEY_BITS = 1024
PKCS1_OFFSET = 22
"""Where the PKCS#1 RSAPublicKey starts inside the SPKI (Particle's clients cut there)."""
RSA_PLAINTEXT_MAX = KEY_BITS // 8 - 11  # 117 bytes with PKCS#1 v1.5 padding
KIV_LENGTH = 32
PRIVATE_KEY_PEM_MAX = 2047
"""The device needs the decrypted key, PKCS#7 padding included, below 2048 bytes (§7.4)."""

PaddedPublicKey = Struct(
    "spki" / Bytes(SPKI_LENGTH),
    "padding" / Const(bytes(PADDING_LENGTH)),
)


class PublicKeyError(ReplyFormatError):
    """The device's ``public-key`` payload is not the 294-byte padded RSA-1024 form."""


def decode_public_key(hex_text: str) -> RSAPublicKey:
    """The RSA key in a ``public-key`` reply's ``b`` field (hex, either case).

    Raises :class:`PublicKeyError` unless it is exactly 294 bytes: a 162-byte DER
    SubjectPublicKeyInfo of a 1024-bit RSA key followed by 132 zero bytes.
    """
    try:
        raw = bytes.fromhex(hex_text)
    except (ValueError, TypeError):
        raise PublicKeyError("the device's public key is not a hex string") from None
    if len(raw) != PADDED_LENGTH:
        raise PublicKeyError(
            f"the device's public key has {len(raw)} bytes; expected {PADDED_LENGTH} "
            f"({SPKI_LENGTH}-byte DER key + {PADDING_LENGTH} zero bytes)"
        )
    try:
        spki = PaddedPublicKey.parse(raw).spki
    except ConstructError:
        raise PublicKeyError(
            f"the device's public key is not followed by {PADDING_LENGTH} zero bytes"
        ) from None
    try:
        key = serialization.load_der_public_key(spki)
    except (ValueError, UnsupportedAlgorithm):
        raise PublicKeyError(
            f"the first {SPKI_LENGTH} bytes of the device's public key are not a DER "
            "SubjectPublicKeyInfo"
        ) from None
    if not isinstance(key, RSAPublicKey) or key.key_size != KEY_BITS:
        raise PublicKeyError(f"the device's public key is not an RSA-{KEY_BITS} key")
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if der != spki:
        raise PublicKeyError("the device's public key is not in canonical DER form")
    return key


def encode_public_key(key: RSAPublicKey) -> str:
    """The ``b`` field a device sends for ``key`` (588 upper-case hex characters)."""
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if key.key_size != KEY_BITS or len(spki) != SPKI_LENGTH:
        raise ValueError(f"the SoftAP public-key payload holds an RSA-{KEY_BITS} key only")
    return PaddedPublicKey.build({"spki": spki}).hex().upper()


def encrypt_secret(key: RSAPublicKey, secret: bytes) -> str:
    """RSA PKCS#1 v1.5 ciphertext of ``secret`` as lower-case hex (256 characters)."""
    if len(secret) > RSA_PLAINTEXT_MAX:
        raise ValueError(
            f"a secret sent to the device has at most {RSA_PLAINTEXT_MAX} bytes "
            f"(this one has {len(secret)})"
        )
    return key.encrypt(bytes(secret), padding.PKCS1v15()).hex()


def device_pem(pem: str) -> bytes:
    """A PEM block as the device stores it: trimmed, ending in CRLF, ASCII only."""
    text = pem.strip() + "\r\n"
    if not text.isascii():
        raise ValueError("PEM text must be ASCII")
    return text.encode("ascii")


@dataclass(frozen=True)
class EncryptedPrivateKey:
    """The ``ek`` and ``key`` fields of configure-ap for EAP-TLS (lower-case hex)."""

    ek: str = field(repr=False)
    key: str = field(repr=False)


def encrypt_private_key(
    key: RSAPublicKey, private_key_pem: str, kiv: bytes | None = None
) -> EncryptedPrivateKey:
    """``ek`` = RSA(kiv), ``key`` = AES-128-CBC(key = kiv[:16], IV = kiv[16:], PKCS#7) of
    the trimmed PEM plus CRLF. ``kiv`` is 32 random bytes unless given (tests)."""
    kiv = os.urandom(KIV_LENGTH) if kiv is None else bytes(kiv)
    if len(kiv) != KIV_LENGTH:
        raise ValueError(f"kiv must be {KIV_LENGTH} bytes")
    plaintext = device_pem(private_key_pem)
    padder = symmetric_padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    if len(padded) > PRIVATE_KEY_PEM_MAX:
        raise ValueError(
            f"the private key PEM is too long for the device ({len(plaintext)} bytes; "
            f"at most {PRIVATE_KEY_PEM_MAX - 16} fit)"
        )
    encryptor = Cipher(algorithms.AES(kiv[:16]), modes.CBC(kiv[16:])).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    return EncryptedPrivateKey(ek=encrypt_secret(key, kiv), key=ciphertext.hex())
