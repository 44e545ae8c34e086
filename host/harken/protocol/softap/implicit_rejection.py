"""The synthetic plaintext a harken device substitutes for a badly padded RSA ciphertext
(implicit rejection, protocol/softap.md §7), computed on the host from the device's private
key: for test vectors and for predicting a test device's replies. Twin of the firmware's
``core/implicit_rejection.cpp``."""

from __future__ import annotations

import hashlib
import hmac

BLOCK = 128  # RSA-1024
AFTER_TYPE = BLOCK - 2  # 00 02 | PS (>= 8 non-zero) 00 M
MIN_PADDING = 8
DRAWS = 64
LABEL = b"harken implicit rejection"


def rejection_key(private_key_der: bytes) -> bytes:
    """SHA-256 of the label and the device's stored private key (611-byte DER)."""
    return hashlib.sha256(LABEL + private_key_der).digest()


def synthetic_message(key: bytes, ciphertext: bytes) -> bytes:
    """The message of the first well-formed pseudo-random block drawn from (key,
    ciphertext); empty if none of the 64 draws is well formed."""
    for n in range(DRAWS):
        block = b"".join(
            hmac.new(key, ciphertext + bytes([n, i]), hashlib.sha256).digest()
            for i in range(BLOCK // 32)
        )
        zero = block.find(b"\0", 0, AFTER_TYPE)
        if zero < MIN_PADDING:  # -1 (none) or too little padding
            continue
        return block[zero + 1 : AFTER_TYPE]
    return b""
