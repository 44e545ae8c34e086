#include "core/implicit_rejection.hpp"

#include <cstring>

#include "core/mbedtls_arena.hpp"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"

namespace core {
namespace {

constexpr std::size_t kBlock = 128;          // RSA-1024
constexpr std::size_t kAfterType = kBlock - 2;  // 00 02 | PS (>= 8 non-zero) 00 M
constexpr std::size_t kMinPadding = 8;
constexpr int kDraws = 64;                   // a draw is well formed ~37% of the time

// 128 pseudo-random bytes for draw `n`: HMAC-SHA256(key, ciphertext | n | i), i = 0..3.
bool draw(const std::uint8_t key[kRejectionKeySize], const std::uint8_t* ciphertext,
          std::size_t len, std::uint8_t n, std::uint8_t out[kBlock]) {
    const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    bool ok = mbedtls_md_setup(&md, sha256, 1) == 0;
    for (std::uint8_t i = 0; ok && i < kBlock / 32; ++i) {
        const std::uint8_t tail[2] = {n, i};
        ok = mbedtls_md_hmac_starts(&md, key, kRejectionKeySize) == 0 &&
             mbedtls_md_hmac_update(&md, ciphertext, len) == 0 &&
             mbedtls_md_hmac_update(&md, tail, sizeof tail) == 0 &&
             mbedtls_md_hmac_finish(&md, out + 32 * i) == 0;
    }
    mbedtls_md_free(&md);
    return ok;
}

}  // namespace

void derive_rejection_key(const std::uint8_t* private_key_der, std::size_t len,
                          std::uint8_t key[kRejectionKeySize]) {
    static const char kLabel[] = "harken implicit rejection";
    mbedtls_sha256_context sha;
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts_ret(&sha, 0);
    mbedtls_sha256_update_ret(&sha, reinterpret_cast<const std::uint8_t*>(kLabel),
                              sizeof kLabel - 1);
    mbedtls_sha256_update_ret(&sha, private_key_der, len);
    mbedtls_sha256_finish_ret(&sha, key);
    mbedtls_sha256_free(&sha);
}

std::size_t synthetic_message(const std::uint8_t key[kRejectionKeySize],
                              const std::uint8_t* ciphertext, std::size_t len,
                              std::uint8_t out[kBlock]) {
    std::uint8_t block[kBlock];
    std::size_t message = 0;
    for (int n = 0; n < kDraws; ++n) {
        if (!draw(key, ciphertext, len, static_cast<std::uint8_t>(n), block)) break;
        // Well formed like a real block: the first zero (the separator) comes after at
        // least eight non-zero padding bytes.
        std::size_t zero = 0;
        while (zero < kAfterType && block[zero] != 0) ++zero;
        if (zero < kMinPadding || zero == kAfterType) continue;
        message = kAfterType - zero - 1;
        std::memcpy(out, block + zero + 1, message);
        break;
    }
    mbedtls_platform_zeroize(block, sizeof block);
    return message;
}

}  // namespace core
