#pragma once
// The device's RSA-1024 key (spec softap-protocol.md §7): generated on first boot like
// Device OS does, stored in Particle's DCT format, and used to decrypt what SoftAP hosts
// send (`pwd`, and `ek` + `key` for EAP-TLS). mbedTLS 2.28 does the arithmetic; every
// allocation comes from its static arena (mbedtls_arena.hpp).
#include <cstddef>
#include <cstdint>

#include "core/config_store.hpp"
#include "hal/entropy.hpp"

namespace core {

class DeviceKey {
public:
    static constexpr std::size_t kPublicKeyReplySize = 294;   // 162 B SPKI DER + 132 zero bytes
    // Badly padded ciphertexts a device decrypts (implicitly rejected) before it stops
    // decrypting until restart: a host with the right key never sends one, and a
    // Bleichenbacher-style probe needs many thousands.
    static constexpr std::uint32_t kPaddingFailureBudget = 64;

    DeviceKey(ConfigStore& store, hal::Entropy& entropy) : store_(store), entropy_(entropy) {}

    // First boot: when app-DCT private key byte 0 is 0xFF, generate RSA-1024 e=65537, store
    // Particle's fixed-width 611-byte PKCS#1 DER at app 34 and the SPKI (zero-padded to the
    // 384-byte field) at app 1250, commit. True when a usable key is present afterwards.
    // An existing key is never replaced, even when it is not usable.
    bool ensure();

    // Device OS fetch_device_public_key: the SPKI derived from the private key (29-byte
    // header + modulus from private-key bytes 11..138 + 02 03 01 00 01), rewritten to the
    // DCT when the stored copy differs; 294 bytes to `out`. False without a usable key.
    bool public_key(std::uint8_t out[kPublicKeyReplySize]);

    // `pwd` (§7.3): exactly 256 hex digits of PKCS#1 v1.5 ciphertext. Returns the plaintext
    // length up to its first NUL (plaintext copied to `out` and NUL-terminated), or a
    // negative value. Bad padding is not a failure: it yields a synthetic plaintext
    // (implicit_rejection.hpp), until kPaddingFailureBudget of them since boot; after that,
    // and for every other failure (bad length or digits, no key, entropy, `out` too small),
    // the same negative value.
    int decrypt_hex(const char* hex, std::size_t hex_len, std::uint8_t* out, std::size_t out_max);

    // `ek` + `key` (§7.4): RSA-decrypt `ek` to 32 bytes (AES-128 key || IV), then
    // AES-128-CBC-decrypt the `key` hex (a whole number of 16-byte blocks). PKCS#7 padding is
    // kept, as Device OS does. Returns len(key_hex)/2 (output NUL-terminated) or the same
    // negative value as decrypt_hex.
    int decrypt_private_key(const char* ek_hex, std::size_t ek_len, const char* key_hex,
                            std::size_t key_len, std::uint8_t* out, std::size_t out_max);

private:
    const std::uint8_t* stored_private_key() const;
    int rsa_decrypt(const char* hex, std::size_t hex_len, std::uint8_t plain[128],
                    std::size_t* plain_len);
    bool generate();

    ConfigStore& store_;
    hal::Entropy& entropy_;
    std::uint32_t padding_failures_ = 0;   // since boot
};

}  // namespace core
