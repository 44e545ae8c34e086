#include "core/device_key.hpp"

#include <cstring>

#include "core/dct_layout.hpp"
#include "core/implicit_rejection.hpp"
#include "core/mbedtls_arena.hpp"
#include "core/rsa_key_der.hpp"
#include "core/seeded_drbg.hpp"
#include "mbedtls/aes.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"

namespace core {
namespace {

constexpr std::size_t kPrivateKeyAt = dct::kAppSection + dct::app::kDevicePrivateKey;
constexpr std::size_t kPublicKeyAt = dct::kAppSection + dct::app::kDevicePublicKey;
constexpr std::size_t kCiphertextSize = 128;  // RSA-1024
constexpr std::size_t kAesBlock = 16;
// The one failure value: Device OS's answer to a bad ciphertext (MBEDTLS_ERR_RSA_INVALID_PADDING).
// Returning it for every failure keeps a padding check from being told apart (no oracle).
constexpr int kFailed = MBEDTLS_ERR_RSA_INVALID_PADDING;
// Fixed widths always fit an RSA-1024 key from mbedTLS; the retry is only a guard.
constexpr int kGenerateAttempts = 3;

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Strict: exactly 2 * `size` hex digits of either case.
bool decode_hex(const char* hex, std::size_t size, std::uint8_t* out) {
    for (std::size_t i = 0; i < size; ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return true;
}

// An RSA context that is always freed: it holds arena memory and the private values.
struct RsaKey {
    mbedtls_rsa_context ctx;
    RsaKey() { mbedtls_rsa_init(&ctx, MBEDTLS_RSA_PKCS_V15, 0); }
    ~RsaKey() { mbedtls_rsa_free(&ctx); }
    RsaKey(const RsaKey&) = delete;
    RsaKey& operator=(const RsaKey&) = delete;
};

}  // namespace

const std::uint8_t* DeviceKey::stored_private_key() const {
    return store_.image() + kPrivateKeyAt;
}

bool DeviceKey::ensure() {
    if (stored_private_key()[0] == 0xFF && !generate()) return false;
    RsaKey key;
    return read_private_key_der(stored_private_key(), dct::app::kDevicePrivateKeySize, &key.ctx);
}

bool DeviceKey::generate() {
    SeededDrbg drbg(entropy_);
    if (!drbg.seed("harken device key")) return false;
    std::uint8_t der[kPrivateKeyDerSize];
    bool made = false;
    for (int attempt = 0; attempt < kGenerateAttempts && !made; ++attempt) {
        RsaKey key;
        if (mbedtls_rsa_gen_key(&key.ctx, SeededDrbg::random, drbg.context(), 1024, 65537) != 0)
            break;  // entropy or arena failure: another attempt would fail the same way
        made = write_private_key_der(key.ctx, der);
    }
    bool stored = false;
    if (made) {
        std::uint8_t field[dct::app::kDevicePublicKeySize] = {};
        derive_public_key_der(der, field);
        stored = store_.write(kPrivateKeyAt, der, sizeof der) &&
                 store_.write(kPublicKeyAt, field, sizeof field) && store_.commit();
        // A key that did not reach flash must not be used: the next boot would make another.
        if (!stored) store_.discard();
    }
    mbedtls_platform_zeroize(der, sizeof der);
    return stored;
}

bool DeviceKey::public_key(std::uint8_t out[kPublicKeyReplySize]) {
    {
        RsaKey key;
        if (!read_private_key_der(stored_private_key(), dct::app::kDevicePrivateKeySize,
                                  &key.ctx))
            return false;
    }
    std::uint8_t field[dct::app::kDevicePublicKeySize] = {};
    derive_public_key_der(stored_private_key(), field);
    if (std::memcmp(store_.image() + kPublicKeyAt, field, sizeof field) != 0 &&
        store_.write(kPublicKeyAt, field, sizeof field))
        store_.commit();  // best effort, as Device OS: the reply comes from the private key
    std::memcpy(out, field, kPublicKeyReplySize);
    return true;
}

int DeviceKey::rsa_decrypt(const char* hex, std::size_t hex_len, std::uint8_t plain[128],
                           std::size_t* plain_len) {
    std::uint8_t cipher[kCiphertextSize];
    if (!hex || hex_len != 2 * kCiphertextSize || !decode_hex(hex, kCiphertextSize, cipher))
        return kFailed;  // the form of the input is public: no secret in refusing it
    if (padding_failures_ >= kPaddingFailureBudget) return kFailed;
    RsaKey key;
    if (!read_private_key_der(stored_private_key(), dct::app::kDevicePrivateKeySize, &key.ctx))
        return kFailed;
    SeededDrbg drbg(entropy_);  // blinding: the private operation never runs unblinded
    if (!drbg.seed("harken rsa blinding")) return kFailed;
    // The synthetic message is computed every time, so both outcomes cost the same.
    std::uint8_t rejection_key[kRejectionKeySize];
    std::uint8_t synthetic[kCiphertextSize];
    derive_rejection_key(stored_private_key(), kPrivateKeyDerSize, rejection_key);
    const std::size_t synthetic_len =
        synthetic_message(rejection_key, cipher, sizeof cipher, synthetic);
    mbedtls_platform_zeroize(rejection_key, sizeof rejection_key);
    int ret = mbedtls_rsa_pkcs1_decrypt(&key.ctx, SeededDrbg::random, drbg.context(),
                                        MBEDTLS_RSA_PRIVATE, plain_len, cipher, plain,
                                        kCiphertextSize);
    if (ret == MBEDTLS_ERR_RSA_INVALID_PADDING) {
        // Implicit rejection (implicit_rejection.hpp); and a device that sees many of them
        // is being probed, so it stops decrypting until it restarts.
        ++padding_failures_;
        std::memcpy(plain, synthetic, synthetic_len);
        *plain_len = synthetic_len;
        ret = 0;
    }
    mbedtls_platform_zeroize(synthetic, sizeof synthetic);
    return ret == 0 ? 0 : kFailed;
}

int DeviceKey::decrypt_hex(const char* hex, std::size_t hex_len, std::uint8_t* out,
                           std::size_t out_max) {
    std::uint8_t plain[kCiphertextSize];
    std::size_t len = 0;
    int ret = rsa_decrypt(hex, hex_len, plain, &len);
    if (ret == 0) {
        // Device OS treats the plaintext as a C string.
        const std::size_t text = strnlen(reinterpret_cast<const char*>(plain), len);
        if (out && text < out_max) {
            std::memcpy(out, plain, text);
            out[text] = 0;
            ret = static_cast<int>(text);
        } else {
            ret = kFailed;
        }
    }
    mbedtls_platform_zeroize(plain, sizeof plain);
    return ret;
}

int DeviceKey::decrypt_private_key(const char* ek_hex, std::size_t ek_len, const char* key_hex,
                                   std::size_t key_len, std::uint8_t* out,
                                   std::size_t out_max) {
    const std::size_t size = key_len / 2;
    // Whole AES blocks of clean hex, and room for them plus a NUL; decoded into `out`
    // first, then decrypted in place.
    if (!key_hex || !out || size == 0 || key_len % (2 * kAesBlock) != 0 || size >= out_max ||
        !decode_hex(key_hex, size, out))
        return kFailed;
    std::uint8_t kiv[kCiphertextSize];  // AES-128 key || IV
    std::size_t kiv_len = 0;
    int ret = rsa_decrypt(ek_hex, ek_len, kiv, &kiv_len);
    if (ret == 0 && kiv_len != 2 * kAesBlock) ret = kFailed;
    if (ret == 0) {
        mbedtls_aes_context aes;
        mbedtls_aes_init(&aes);
        if (mbedtls_aes_setkey_dec(&aes, kiv, 128) != 0 ||
            mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, size, kiv + kAesBlock, out, out) != 0)
            ret = kFailed;
        mbedtls_aes_free(&aes);
    }
    mbedtls_platform_zeroize(kiv, sizeof kiv);
    if (ret != 0) {
        mbedtls_platform_zeroize(out, size);
        return ret;
    }
    out[size] = 0;
    return static_cast<int>(size);
}

}  // namespace core
