#pragma once
// The device key as Particle stores it: a PKCS#1 RSAPrivateKey DER with fixed-width
// integers (N 129, E 3, D 129, P/Q/DP/DQ/QP 65 bytes; 611 bytes, header 30 82 02 5F), which
// Device OS's positional parser requires, and the public key it derives from it by position.
#include <cstddef>
#include <cstdint>

#include "core/mbedtls_arena.hpp"
#include "mbedtls/rsa.h"

namespace core {

constexpr std::size_t kPrivateKeyDerSize = 611;
constexpr std::size_t kPublicKeyDerSize = 162;  // SubjectPublicKeyInfo, RSA-1024 e=65537

// False when a value does not fit its fixed width (the caller generates another key).
bool write_private_key_der(const mbedtls_rsa_context& key, std::uint8_t out[kPrivateKeyDerSize]);

// Loads the DER found in a DCT field of `avail` bytes into `key` (set up by the caller).
// True only for a consistent RSA-1024, e=65537 key whose modulus sits at bytes 11..138, the
// position public keys are derived from.
bool read_private_key_der(const std::uint8_t* der, std::size_t avail, mbedtls_rsa_context* key);

// Device OS extract_public_rsa_key: fixed header + the modulus copied from private-key bytes
// 11..138 + the exponent 65537.
void derive_public_key_der(const std::uint8_t* private_der, std::uint8_t out[kPublicKeyDerSize]);

}  // namespace core
