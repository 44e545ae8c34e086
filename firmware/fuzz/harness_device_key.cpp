// The device key's ciphertext paths and the key formats under them: `pwd` decryption, the
// EAP-TLS `ek` + `key` pair, the positional PKCS#1 parser on arbitrary DER, the public key
// derived from a damaged stored key, and PEM to DER.
#include "core/dct_layout.hpp"
#include "core/device_key.hpp"
#include "core/mbedtls_arena.hpp"
#include "core/pem.hpp"
#include "core/rsa_key_der.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr int kFailed = MBEDTLS_ERR_RSA_INVALID_PADDING;

fuzz::Flash g_keyed;
fuzz::Flash g_flash;
fuzz::Entropy g_entropy;
core::ConfigStore g_store(g_flash);
std::uint8_t g_out[4200];
std::uint8_t g_der[2048];

void init() {
    fuzz::make_keyed_flash(g_keyed);
    std::memcpy(g_flash.cells, g_keyed.cells, sizeof g_flash.cells);
    FUZZ_CHECK(g_store.load() && g_store.has_copy());
    core::use_mbedtls_arena();
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t mode = in.byte();
    const std::size_t out_max = mode & 0x80 ? in.byte() : sizeof g_out;
    g_entropy = fuzz::Entropy();
    fuzz::NoHeap no_heap;
    core::DeviceKey key(g_store, g_entropy);
    switch (mode & 7) {
        case 0:
        case 1: {   // pwd: usually the right length, so the RSA path runs
            std::size_t len;
            const char* hex = reinterpret_cast<const char*>(in.rest(&len));
            const int n = key.decrypt_hex(hex, len, g_out, out_max);
            FUZZ_CHECK(n == kFailed || (n >= 0 && static_cast<std::size_t>(n) < out_max &&
                                        g_out[n] == 0));
            break;
        }
        case 2: {   // ek (256 hex digits) then key
            const std::uint8_t* ek;
            const std::size_t ek_len = in.take(mode & 8 ? in.byte() : 256, &ek);
            std::size_t key_len;
            const char* key_hex = reinterpret_cast<const char*>(in.rest(&key_len));
            const int n = key.decrypt_private_key(reinterpret_cast<const char*>(ek), ek_len,
                                                  key_hex, key_len, g_out, out_max);
            FUZZ_CHECK(n == kFailed || (n >= 0 && static_cast<std::size_t>(n) == key_len / 2 &&
                                        static_cast<std::size_t>(n) < out_max));
            break;
        }
        case 3: {   // a stored key of any shape, through the positional parser
            std::size_t len;
            const std::uint8_t* der = in.rest(&len);
            core::use_mbedtls_arena();
            mbedtls_rsa_context rsa;
            mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
            (void)core::read_private_key_der(der, len, &rsa);
            mbedtls_rsa_free(&rsa);
            break;
        }
        case 4: {   // the stored key overwritten in part; public-key derives from it
            const std::uint16_t at = in.u16() % ::dct::app::kDevicePrivateKeySize;
            std::size_t len;
            const std::uint8_t* patch = in.rest(&len);
            if (len > ::dct::app::kDevicePrivateKeySize - at)
                len = ::dct::app::kDevicePrivateKeySize - at;
            g_store.write(::dct::kAppSection + ::dct::app::kDevicePrivateKey + at,
                          patch, len);
            std::uint8_t reply[core::DeviceKey::kPublicKeyReplySize];
            (void)key.public_key(reply);
            std::uint8_t plain[64];
            static const char kZeros[257] =
                "0000000000000000000000000000000000000000000000000000000000000000"
                "0000000000000000000000000000000000000000000000000000000000000001"
                "0000000000000000000000000000000000000000000000000000000000000000"
                "0000000000000000000000000000000000000000000000000000000000000002";
            (void)key.decrypt_hex(kZeros, 256, plain, sizeof plain);
            // Back to the keyed image for the next input.
            std::memcpy(g_flash.cells, g_keyed.cells, sizeof g_flash.cells);
            FUZZ_CHECK(g_store.load());
            break;
        }
        default: {  // PEM text, as EAP-TLS certificates may come
            std::size_t len;
            const char* pem = reinterpret_cast<const char*>(in.rest(&len));
            const std::size_t max = out_max < sizeof g_der ? out_max : sizeof g_der;
            const std::size_t n = core::pem_to_der(pem, len, g_der, max);
            FUZZ_CHECK(n <= max && n <= len);
            break;
        }
    }
}

}  // namespace

HARKEN_FUZZ_HARNESS("device_key", init, run);
