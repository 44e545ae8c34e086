#include "core/rsa_key_der.hpp"

#include <cstring>

#include "core/mbedtls_arena.hpp"
#include "mbedtls/asn1.h"

namespace core {
namespace {

constexpr std::uint8_t kPrivateHeader[] = {0x30, 0x82, 0x02, 0x5F, 0x02, 0x01, 0x00};
// Everything before the modulus: SPKI SEQUENCE, rsaEncryption + NULL, BIT STRING, the
// RSAPublicKey SEQUENCE and the modulus INTEGER's tag, length and sign byte.
constexpr std::uint8_t kPublicHeader[29] = {
    0x30, 0x81, 0x9F, 0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01,
    0x01, 0x05, 0x00, 0x03, 0x81, 0x8D, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00};
constexpr std::uint8_t kPublicExponent[] = {0x02, 0x03, 0x01, 0x00, 0x01};
constexpr std::size_t kModulusAt = 11, kModulusSize = 128;

// The mbedTLS integers of an RSAPrivateKey in DER order.
struct KeyValues {
    mbedtls_mpi n, e, d, p, q, dp, dq, qp;
    mbedtls_mpi* all[8] = {&n, &e, &d, &p, &q, &dp, &dq, &qp};
    KeyValues() {
        for (auto* v : all) mbedtls_mpi_init(v);
    }
    ~KeyValues() {
        for (auto* v : all) mbedtls_mpi_free(v);
    }
    KeyValues(const KeyValues&) = delete;
    KeyValues& operator=(const KeyValues&) = delete;
};

}  // namespace

bool write_private_key_der(const mbedtls_rsa_context& key, std::uint8_t out[kPrivateKeyDerSize]) {
    const mbedtls_mpi* values[] = {&key.N, &key.E, &key.D, &key.P, &key.Q, &key.DP, &key.DQ,
                                   &key.QP};
    constexpr std::size_t widths[] = {129, 3, 129, 65, 65, 65, 65, 65};
    std::uint8_t* at = out;
    std::memcpy(at, kPrivateHeader, sizeof kPrivateHeader);
    at += sizeof kPrivateHeader;
    for (std::size_t i = 0; i < 8; ++i) {
        *at++ = 0x02;
        if (widths[i] >= 0x80) *at++ = 0x81;
        *at++ = static_cast<std::uint8_t>(widths[i]);
        // Big-endian, zero-padded on the left to the full width; fails when it is wider.
        if (mbedtls_mpi_write_binary(values[i], at, widths[i]) != 0) return false;
        at += widths[i];
    }
    return at == out + kPrivateKeyDerSize;
}

bool read_private_key_der(const std::uint8_t* der, std::size_t avail, mbedtls_rsa_context* key) {
    use_mbedtls_arena();
    // Public keys are derived by position, so the modulus must be where Device OS looks.
    constexpr std::uint8_t kModulusTag[] = {0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00};
    if (avail < kModulusAt + kModulusSize ||
        std::memcmp(der + 4, kModulusTag, sizeof kModulusTag) != 0)
        return false;

    auto* p = const_cast<unsigned char*>(der);  // mbedTLS 2.28's parser API is not const
    const unsigned char* end = der + avail;
    std::size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return false;
    end = p + len;
    int version;
    if (mbedtls_asn1_get_int(&p, end, &version) != 0 || version != 0) return false;
    KeyValues v;
    for (auto* value : v.all)
        if (mbedtls_asn1_get_mpi(&p, end, value) != 0) return false;
    if (p != end || mbedtls_mpi_cmp_int(&v.e, 65537) != 0) return false;
    // The CRT values are recomputed from N, P, Q, D, E rather than trusted.
    return mbedtls_rsa_import(key, &v.n, &v.p, &v.q, &v.d, &v.e) == 0 &&
           mbedtls_rsa_complete(key) == 0 && mbedtls_rsa_check_privkey(key) == 0 &&
           mbedtls_rsa_get_len(key) == kModulusSize;
}

void derive_public_key_der(const std::uint8_t* private_der,
                           std::uint8_t out[kPublicKeyDerSize]) {
    std::memcpy(out, kPublicHeader, sizeof kPublicHeader);
    std::memcpy(out + sizeof kPublicHeader, private_der + kModulusAt, kModulusSize);
    std::memcpy(out + sizeof kPublicHeader + kModulusSize, kPublicExponent,
                sizeof kPublicExponent);
}

}  // namespace core
