#pragma once
// Implicit rejection for RSA PKCS#1 v1.5 decryption (the countermeasure OpenSSL 3.2 adopted
// against Bleichenbacher/Marvin-style attacks): a ciphertext whose padding is wrong does not
// fail; it decrypts to a synthetic message that only the key holder can compute, drawn the
// way a random well-padded block's message is. What the device then does with the
// "passphrase" (store it, or refuse its length) no longer tells padding from no padding.
#include <cstddef>
#include <cstdint>

namespace core {

constexpr std::size_t kRejectionKeySize = 32;

// The key the synthetic messages are derived from: a hash of the private key, so it is
// stable for the device and secret.
void derive_rejection_key(const std::uint8_t* private_key_der, std::size_t len,
                          std::uint8_t key[kRejectionKeySize]);

// The message a well-padded 128-byte block derived from (key, ciphertext) carries: up to
// 117 bytes into `out`; returns its length.
std::size_t synthetic_message(const std::uint8_t key[kRejectionKeySize],
                              const std::uint8_t* ciphertext, std::size_t len,
                              std::uint8_t out[128]);

}  // namespace core
