"""RSA ciphertexts for ``pwd`` and ``ek`` from a seeded generator: good ones (PKCS#1 v1.5
type 2, padded with the case's own random bytes so a reproducer sends the same hex) and
every kind of bad one the device must refuse or absorb."""

from __future__ import annotations

import random
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


@dataclass(frozen=True)
class DeviceKey:
    """The public numbers of the device's RSA key."""

    n: int
    e: int

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    @classmethod
    def from_public_key(cls, key: RSAPublicKey) -> DeviceKey:
        numbers = key.public_numbers()
        return cls(numbers.n, numbers.e)


def pad_type2(rng: random.Random, message: bytes, size: int) -> bytes:
    """``00 02 PS 00 message`` with a non-zero PS of the case's random bytes."""
    if len(message) > size - 11:
        raise ValueError("message too long for PKCS#1 v1.5")
    filler = bytes(rng.randrange(1, 256) for _ in range(size - 3 - len(message)))
    return b"\x00\x02" + filler + b"\x00" + message


def raw_encrypt(key: DeviceKey, block: bytes) -> bytes:
    return pow(int.from_bytes(block, "big"), key.e, key.n).to_bytes(key.size, "big")


def good_ciphertext(rng: random.Random, key: DeviceKey, message: bytes) -> str:
    return raw_encrypt(key, pad_type2(rng, message, key.size)).hex()


def bad_ciphertext(rng: random.Random, key: DeviceKey | None, message: bytes) -> str:
    """Hex the device must not take as a good ciphertext of ``message``."""
    size = key.size if key else 128
    pick = rng.randrange(9 if key else 5)
    if pick == 0:
        return rng.randbytes(size).hex()[: rng.choice((0, 1, 2, 254, 255))]
    if pick == 1:
        return rng.randbytes(rng.choice((64, 127, 129, 256, 512))).hex()
    if pick == 2:
        return "".join(rng.choice("0123456789abcdefgGxX -") for _ in range(2 * size))
    if pick == 3:
        return "ff" * size  # above any modulus
    if pick == 4:
        return rng.randbytes(size).hex().upper()
    assert key is not None
    if pick == 5:
        return (key.n + rng.randrange(1, 1000)).to_bytes(size + 1, "big")[-size:].hex()
    if pick == 6:  # a plaintext block with broken padding, encrypted properly
        block = bytearray(pad_type2(rng, message[: size - 11], size))
        block[rng.choice((0, 1, 5, size - len(message) - 1))] ^= rng.randrange(1, 256)
        return raw_encrypt(key, bytes(block)).hex()
    if pick == 7:  # a good ciphertext, one bit flipped
        raw = bytearray(bytes.fromhex(good_ciphertext(rng, key, message[: size - 11])))
        raw[rng.randrange(size)] ^= 1 << rng.randrange(8)
        return raw.hex()
    return raw_encrypt(key, b"\x00\x02" + b"\x01" * (size - 2)).hex()  # no separator
