// The device key: replays protocol/softap/crypto-vectors.json (spec §7.6 and the cases a
// device must reject), and checks first-boot key generation in Particle's stored format.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/device_key.hpp"
#include "core/mbedtls_arena.hpp"
#include "fake_board.hpp"
#include "mbedtls/asn1.h"
#include "mbedtls/rsa.h"
#include "vector_file.hpp"

using nlohmann::json;

using golden::from_hex;

namespace {

constexpr std::size_t kPrivateAt = dct::kAppSection + dct::app::kDevicePrivateKey;
constexpr std::size_t kPublicAt = dct::kAppSection + dct::app::kDevicePublicKey;
constexpr std::size_t kDerSize = 611, kSpkiSize = 162;

const json& vectors() {
    static const json v = golden::load("protocol/softap/crypto-vectors.json");
    return v;
}

std::string upper_hex(const std::uint8_t* p, std::size_t n) {
    static const char digits[] = "0123456789ABCDEF";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::vector<std::uint8_t> bytes_at(const core::ConfigStore& store, std::size_t at,
                                   std::size_t n) {
    return {store.image() + at, store.image() + at + n};
}

// A flash holding the spec's test key, as a device provisioned with it would.
struct ProvisionedDevice {
    fake::Flash flash;
    fake::Entropy entropy;
    core::ConfigStore store{flash};
    core::DeviceKey key{store, entropy};

    explicit ProvisionedDevice(bool with_public_key = true) {
        store.load();
        const auto der = from_hex(vectors()["private_key_der"].get<std::string>());
        store.write(kPrivateAt, der.data(), der.size());
        if (with_public_key) {
            auto field = from_hex(vectors()["public_key_b"].get<std::string>());
            field.resize(dct::app::kDevicePublicKeySize, 0);
            store.write(kPublicAt, field.data(), field.size());
        }
        store.commit();
    }

    int decrypt(const std::string& hex, std::uint8_t* out, std::size_t out_max) {
        return key.decrypt_hex(hex.data(), hex.size(), out, out_max);
    }
    int decrypt_eap(const std::string& ek, const std::string& key_hex, std::uint8_t* out,
                    std::size_t out_max) {
        return key.decrypt_private_key(ek.data(), ek.size(), key_hex.data(), key_hex.size(), out,
                                       out_max);
    }
};

// The value every failure returns, whatever went wrong.
int failure_value() {
    ProvisionedDevice device;
    std::uint8_t out[200];
    return device.decrypt(std::string(256, 'z'), out, sizeof out);  // not hex
}

// The generated key, read back with mbedTLS's ASN.1 parser on its own: widths and values.
struct StoredKey {
    mbedtls_rsa_context rsa;
    std::vector<std::size_t> widths;
    mbedtls_mpi dp, dq, qp;

    explicit StoredKey(const std::uint8_t* der) {
        core::use_mbedtls_arena();
        mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
        mbedtls_mpi_init(&dp);
        mbedtls_mpi_init(&dq);
        mbedtls_mpi_init(&qp);
        mbedtls_mpi n, e, d, p, q;
        mbedtls_mpi* values[] = {&n, &e, &d, &p, &q, &dp, &dq, &qp};
        for (auto* v : {&n, &e, &d, &p, &q}) mbedtls_mpi_init(v);
        auto* at = const_cast<unsigned char*>(der);
        const unsigned char* end = der + kDerSize;
        std::size_t len;
        int version = -1;
        if (mbedtls_asn1_get_tag(&at, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ==
                0 &&
            at + len == end && mbedtls_asn1_get_int(&at, end, &version) == 0 && version == 0) {
            for (auto* v : values) {
                unsigned char* tag = at;
                if (mbedtls_asn1_get_tag(&tag, end, &len, MBEDTLS_ASN1_INTEGER) != 0) break;
                widths.push_back(len);
                if (mbedtls_asn1_get_mpi(&at, end, v) != 0) break;
            }
        }
        if (widths.size() == 8) {
            mbedtls_rsa_import(&rsa, &n, &p, &q, &d, &e);
            mbedtls_rsa_complete(&rsa);
        }
        for (auto* v : {&n, &e, &d, &p, &q}) mbedtls_mpi_free(v);
    }
    ~StoredKey() {
        mbedtls_rsa_free(&rsa);
        mbedtls_mpi_free(&dp);
        mbedtls_mpi_free(&dq);
        mbedtls_mpi_free(&qp);
    }
};

int test_random(void*, unsigned char* out, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<unsigned char>(0x5A ^ i);
    return 0;
}

}  // namespace

// ---- golden vectors ---------------------------------------------------------------------

TEST(DeviceKeyVectors, PublicKeyIsTheSpecsB) {
    ProvisionedDevice device;
    std::uint8_t out[core::DeviceKey::kPublicKeyReplySize];
    ASSERT_TRUE(device.key.public_key(out));
    EXPECT_EQ(upper_hex(out, sizeof out), vectors()["public_key_b"].get<std::string>());
}

TEST(DeviceKeyVectors, DecryptsEveryPassword) {
    ProvisionedDevice device;
    for (const auto& c : vectors()["decrypt"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const std::string want = c["plaintext"];
        std::uint8_t out[200];
        std::memset(out, 0xEE, sizeof out);
        ASSERT_EQ(device.decrypt(c["pwd"], out, sizeof out), static_cast<int>(want.size()));
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(out), want.size()), want);
        EXPECT_EQ(out[want.size()], 0);
    }
}

TEST(DeviceKeyVectors, RejectedPasswordsAllFailAlike) {
    ProvisionedDevice device;
    const int failed = failure_value();
    EXPECT_LT(failed, 0);
    for (const auto& c : vectors()["decrypt_rejected"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        std::uint8_t out[200];
        EXPECT_EQ(device.decrypt(c["pwd"], out, sizeof out), failed);
    }
    std::uint8_t out[200];
    EXPECT_EQ(device.key.decrypt_hex(nullptr, 256, out, sizeof out), failed);
}

// Badly padded ciphertexts decrypt to the synthetic message of crypto-vectors.json.
TEST(DeviceKeyVectors, BadPaddingIsRejectedImplicitly) {
    ProvisionedDevice device;
    for (const auto& c : vectors()["decrypt_implicit"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto message = from_hex(c["message_hex"]);
        const std::size_t len = c["plaintext_len"];
        std::uint8_t out[200];
        ASSERT_EQ(device.decrypt(c["pwd"], out, sizeof out), static_cast<int>(len));
        EXPECT_EQ(std::vector<std::uint8_t>(out, out + len),
                  std::vector<std::uint8_t>(message.begin(), message.begin() + len));
        EXPECT_EQ(out[len], 0);
    }
}

// A device that keeps receiving badly padded ciphertexts is being probed: after the budget
// it decrypts nothing, not even a good ciphertext, until it restarts.
TEST(DeviceKeyVectors, ProbingExhaustsTheDecryptionBudget) {
    ProvisionedDevice device;
    const std::string bad = vectors()["decrypt_implicit"][0]["pwd"];
    const std::string good = vectors()["decrypt"][0]["pwd"];
    std::uint8_t out[200];
    for (std::uint32_t i = 0; i < core::DeviceKey::kPaddingFailureBudget; ++i)
        ASSERT_GE(device.decrypt(bad, out, sizeof out), 0);
    EXPECT_EQ(device.decrypt(bad, out, sizeof out), failure_value());
    EXPECT_EQ(device.decrypt(good, out, sizeof out), failure_value());
}

TEST(DeviceKeyVectors, PasswordNeedsRoomForItsNul) {
    ProvisionedDevice device;
    const std::string pwd = vectors()["decrypt"][0]["pwd"];  // "P@ssw0rd!", 9 bytes
    std::uint8_t out[10];
    EXPECT_EQ(device.decrypt(pwd, out, 9), failure_value());
    EXPECT_EQ(device.decrypt(pwd, out, 10), 9);
}

TEST(DeviceKeyVectors, DecryptsTheEapTlsKey) {
    ProvisionedDevice device;
    const auto& v = vectors()["eap_tls"];
    const auto want = from_hex(v["plaintext_hex"]);
    std::uint8_t out[64];
    ASSERT_EQ(device.decrypt_eap(v["ek"], v["key"], out, sizeof out),
              static_cast<int>(want.size()));
    EXPECT_EQ(std::vector<std::uint8_t>(out, out + want.size()), want);  // padding kept
    EXPECT_EQ(out[want.size()], 0);
}

TEST(DeviceKeyVectors, RejectedEapTlsMaterialFailsAlike) {
    ProvisionedDevice device;
    const int failed = failure_value();
    for (const auto& c : vectors()["eap_tls_rejected"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        std::uint8_t out[64];
        std::memset(out, 0xEE, sizeof out);
        EXPECT_EQ(device.decrypt_eap(c["ek"], c["key"], out, sizeof out), failed);
    }
    const auto& v = vectors()["eap_tls"];
    std::uint8_t out[32];  // 32 bytes of plaintext leave no room for the NUL
    EXPECT_EQ(device.decrypt_eap(v["ek"], v["key"], out, sizeof out), failed);
}

TEST(DeviceKeyVectors, NothingWithoutAKey) {
    fake::Flash flash;
    fake::Entropy entropy;
    core::ConfigStore store(flash);
    store.load();
    core::DeviceKey key(store, entropy);
    std::uint8_t out[core::DeviceKey::kPublicKeyReplySize];
    EXPECT_FALSE(key.public_key(out));
    const std::string pwd = vectors()["decrypt"][0]["pwd"];
    EXPECT_EQ(key.decrypt_hex(pwd.data(), pwd.size(), out, sizeof out), failure_value());
}

TEST(DeviceKeyVectors, NoDecryptionWithoutEntropyForBlinding) {
    ProvisionedDevice device;
    device.entropy.broken = true;
    std::uint8_t out[200];
    EXPECT_EQ(device.decrypt(vectors()["decrypt"][0]["pwd"], out, sizeof out), failure_value());
}

// ---- first boot -------------------------------------------------------------------------

TEST(DeviceKeyGeneration, FirstBootWritesParticlesFixedWidthKey) {
    fake::Flash flash;
    fake::Entropy entropy;
    core::ConfigStore store(flash);
    store.load();
    core::DeviceKey key(store, entropy);
    ASSERT_TRUE(key.ensure());
    EXPECT_EQ(store.sequence(), 1u);  // committed

    const auto der = bytes_at(store, kPrivateAt, kDerSize);
    EXPECT_EQ(upper_hex(der.data(), 7), "3082025F020100");
    StoredKey parsed(der.data());
    EXPECT_EQ(parsed.widths, (std::vector<std::size_t>{129, 3, 129, 65, 65, 65, 65, 65}));
    EXPECT_EQ(mbedtls_rsa_check_privkey(&parsed.rsa), 0);
    EXPECT_EQ(mbedtls_rsa_get_len(&parsed.rsa), 128u);
    EXPECT_EQ(mbedtls_mpi_cmp_int(&parsed.rsa.E, 65537), 0);
    // The stored CRT values are the ones mbedTLS derives from N, P, Q, D, E.
    EXPECT_EQ(mbedtls_mpi_cmp_mpi(&parsed.dp, &parsed.rsa.DP), 0);
    EXPECT_EQ(mbedtls_mpi_cmp_mpi(&parsed.dq, &parsed.rsa.DQ), 0);
    EXPECT_EQ(mbedtls_mpi_cmp_mpi(&parsed.qp, &parsed.rsa.QP), 0);

    // A host encrypting to the published key reaches the device.
    unsigned char cipher[128];
    const char secret[] = "correct horse";
    ASSERT_EQ(mbedtls_rsa_pkcs1_encrypt(&parsed.rsa, test_random, nullptr, MBEDTLS_RSA_PUBLIC,
                                        std::strlen(secret),
                                        reinterpret_cast<const unsigned char*>(secret), cipher),
              0);
    const std::string hex = upper_hex(cipher, sizeof cipher);
    std::uint8_t out[64];
    ASSERT_EQ(key.decrypt_hex(hex.data(), hex.size(), out, sizeof out),
              static_cast<int>(std::strlen(secret)));
    EXPECT_STREQ(reinterpret_cast<const char*>(out), secret);
}

TEST(DeviceKeyGeneration, PublicKeyCarriesTheModulus) {
    fake::Flash flash;
    fake::Entropy entropy;
    core::ConfigStore store(flash);
    store.load();
    core::DeviceKey key(store, entropy);
    ASSERT_TRUE(key.ensure());
    std::uint8_t out[core::DeviceKey::kPublicKeyReplySize];
    ASSERT_TRUE(key.public_key(out));

    const std::string b = vectors()["public_key_b"];  // same header and exponent, any key
    EXPECT_EQ(upper_hex(out, 29), b.substr(0, 58));
    EXPECT_EQ(bytes_at(store, kPrivateAt + 11, 128), std::vector<std::uint8_t>(out + 29, out + 157));
    EXPECT_EQ(upper_hex(out + 157, 5), "0203010001");
    EXPECT_EQ(std::vector<std::uint8_t>(out + kSpkiSize, out + sizeof out),
              std::vector<std::uint8_t>(sizeof out - kSpkiSize, 0));
    // The stored field is the same SPKI, zero-padded to its 384 bytes.
    auto field = std::vector<std::uint8_t>(out, out + kSpkiSize);
    field.resize(dct::app::kDevicePublicKeySize, 0);
    EXPECT_EQ(bytes_at(store, kPublicAt, field.size()), field);
}

TEST(DeviceKeyGeneration, ExistingKeyIsNeverReplaced) {
    ProvisionedDevice device;
    const auto before = bytes_at(device.store, kPrivateAt, dct::app::kDevicePrivateKeySize);
    const std::uint32_t sequence = device.store.sequence();
    EXPECT_TRUE(device.key.ensure());
    EXPECT_TRUE(device.key.ensure());
    EXPECT_EQ(bytes_at(device.store, kPrivateAt, before.size()), before);
    EXPECT_EQ(device.store.sequence(), sequence);  // nothing written
}

TEST(DeviceKeyGeneration, UnusableKeyIsKeptAndReported) {
    ProvisionedDevice device;
    const std::uint8_t garbage[] = {0x30, 0x82, 0x02, 0x5F, 0x00};
    device.store.write(kPrivateAt, garbage, sizeof garbage);
    device.store.commit();
    const auto before = bytes_at(device.store, kPrivateAt, dct::app::kDevicePrivateKeySize);
    EXPECT_FALSE(device.key.ensure());
    EXPECT_EQ(bytes_at(device.store, kPrivateAt, before.size()), before);
    std::uint8_t out[core::DeviceKey::kPublicKeyReplySize];
    EXPECT_FALSE(device.key.public_key(out));
}

TEST(DeviceKeyGeneration, KeySurvivesReload) {
    fake::Flash flash;
    fake::Entropy entropy;
    std::uint8_t first[core::DeviceKey::kPublicKeyReplySize];
    {
        core::ConfigStore store(flash);
        store.load();
        core::DeviceKey key(store, entropy);
        ASSERT_TRUE(key.ensure());
        ASSERT_TRUE(key.public_key(first));
    }
    core::ConfigStore store(flash);
    ASSERT_TRUE(store.load());
    core::DeviceKey key(store, entropy);
    EXPECT_TRUE(key.ensure());
    std::uint8_t again[core::DeviceKey::kPublicKeyReplySize];
    ASSERT_TRUE(key.public_key(again));
    EXPECT_EQ(std::memcmp(first, again, sizeof first), 0);
    EXPECT_EQ(store.sequence(), 1u);  // generated once, never rewritten
}

TEST(DeviceKeyGeneration, StalePublicKeyIsRewritten) {
    ProvisionedDevice device(false);  // public-key field still erased
    std::uint8_t out[core::DeviceKey::kPublicKeyReplySize];
    ASSERT_TRUE(device.key.public_key(out));
    EXPECT_EQ(upper_hex(out, sizeof out), vectors()["public_key_b"].get<std::string>());

    core::ConfigStore reloaded(device.flash);
    ASSERT_TRUE(reloaded.load());
    auto want = from_hex(vectors()["public_key_b"]);
    want.resize(dct::app::kDevicePublicKeySize, 0);
    EXPECT_EQ(bytes_at(reloaded, kPublicAt, want.size()), want);
    const std::uint32_t sequence = reloaded.sequence();
    core::DeviceKey again(reloaded, device.entropy);
    ASSERT_TRUE(again.public_key(out));
    EXPECT_EQ(reloaded.sequence(), sequence);  // up to date: no second write
}

TEST(DeviceKeyGeneration, NoKeyWithoutEntropy) {
    fake::Flash flash;
    fake::Entropy entropy;
    entropy.broken = true;
    core::ConfigStore store(flash);
    store.load();
    core::DeviceKey key(store, entropy);
    EXPECT_FALSE(key.ensure());
    EXPECT_EQ(store.image()[kPrivateAt], 0xFF);
    EXPECT_FALSE(store.has_copy());
}

TEST(DeviceKeyGeneration, FailedCommitLeavesNoKey) {
    fake::Flash flash;
    fake::Entropy entropy;
    core::ConfigStore store(flash);
    store.load();
    flash.budget = 100;  // power fails during the commit
    core::DeviceKey key(store, entropy);
    EXPECT_FALSE(key.ensure());
    EXPECT_EQ(store.image()[kPrivateAt], 0xFF);
}
