// configure-ap (softap-protocol.md §5.4): decrypt, convert and store one Wi-Fi profile.
// A ciphertext of the wrong form gets the reply of a rejected passphrase (-4); bad padding
// never fails here at all (DeviceKey rejects it implicitly; protocol/softap.md §7).
#include <cstring>

#include "core/flat_json.hpp"
#include "core/pem.hpp"
#include "core/softap_commands.hpp"
#include "core/wifi_credentials.hpp"
#include "mbedtls/platform_util.h"

namespace core {
namespace {

enum Key : std::size_t { idx, ssid, pwd, ch, sec, eap, oi, ii, crt, ek, key, ca, kKeyCount };

constexpr JsonKey kKeys[kKeyCount] = {
    {"idx", JsonType::primitive}, {"ssid", JsonType::string}, {"pwd", JsonType::string},
    {"ch", JsonType::primitive},  {"sec", JsonType::primitive}, {"eap", JsonType::primitive},
    {"oi", JsonType::string},     {"ii", JsonType::string},     {"crt", JsonType::string},
    {"ek", JsonType::string},     {"key", JsonType::string},    {"ca", JsonType::string},
};

constexpr std::int32_t kRejectedKey = credentials_result::bad_key;  // -4
constexpr std::int32_t kEnterpriseInvalid = 1;
constexpr std::int32_t kStoreFailed = 4;                             // WICED_ERROR

class ConfigureRequest final : public JsonMemberSink {
public:
    void member(std::size_t k, const JsonValue& v) override {
        values[k] = v;   // duplicates: the last one wins, as on Device OS
        present[k] = true;
    }
    JsonValue values[kKeyCount] = {};
    bool present[kKeyCount] = {};
};

// Scratch for one request at a time (the server runs commands one after another).
struct Scratch {
    char pem[4608];
    std::uint8_t client_cert[dct::kSecurityCertificateSize];
    std::uint8_t client_key[dct::kSecurityPrivateKeySize];
    std::uint8_t root_ca[dct::eap::kCaCertificateSize];
};
Scratch scratch;

// A certificate sent as an escaped JSON string, to DER. 0 when it does not convert.
std::size_t certificate_der(const JsonValue& v, std::uint8_t* der, std::size_t max) {
    const long n = json_unescape(v.text, v.len, scratch.pem, sizeof scratch.pem);
    return n > 0 ? pem_to_der(scratch.pem, static_cast<std::size_t>(n), der, max) : 0;
}

int result_code(int stored) {
    switch (stored) {
        case credentials_result::ok:
        case credentials_result::cipher_required:
        case credentials_result::bad_ssid:
        case credentials_result::bad_key: return stored;
        case credentials_result::bad_enterprise: return kEnterpriseInvalid;
        default: return kStoreFailed;
    }
}

}  // namespace

SoftApReply run_configure_ap(const char* body, std::size_t len, SoftApContext& ctx,
                             ReplyBuffer& out) {
    ConfigureRequest r;
    if (!read_flat_object(body, len, kKeys, kKeyCount, r)) return SoftApReply::bad_json;
    const JsonValue* v = r.values;

    // The passphrase: hex of an RSA ciphertext, or (Device OS) one character sent as is.
    // Wiped however the request ends: the passphrase and the scratch hold decrypted secrets.
    struct Secret {
        std::uint8_t bytes[129] = {};
        ~Secret() {
            mbedtls_platform_zeroize(bytes, sizeof bytes);
            mbedtls_platform_zeroize(&scratch, sizeof scratch);
        }
    } secret;
    std::uint8_t* password = secret.bytes;
    std::size_t password_len = 0;
    if (v[pwd].len == 1) {
        password[0] = static_cast<std::uint8_t>(v[pwd].text[0]);
        password_len = 1;
    } else if (v[pwd].len > 1) {
        const int n = ctx.key.decrypt_hex(v[pwd].text, v[pwd].len, password, sizeof secret.bytes);
        if (n < 0) {
            write_result(out, kRejectedKey);
            return SoftApReply::json;
        }
        password_len = static_cast<std::size_t>(n);
    }

    const Security security = security_from_wiced(static_cast<std::uint32_t>(
        json_primitive_int(v[sec])));
    EnterpriseConfig enterprise{};
    const bool wants_enterprise = is_enterprise(security);
    if (wants_enterprise) {
        enterprise.type = json_primitive_int(v[eap]) == static_cast<int>(EapType::tls)
                              ? EapType::tls
                              : EapType::peap;
        enterprise.inner_identity = {reinterpret_cast<const std::uint8_t*>(v[ii].text), v[ii].len};
        enterprise.outer_identity = {reinterpret_cast<const std::uint8_t*>(v[oi].text), v[oi].len};
        enterprise.password = {password, password_len};
        if (r.present[ca] && v[ca].len) {
            const std::size_t n = certificate_der(v[ca], scratch.root_ca, sizeof scratch.root_ca);
            if (n == 0) {
                write_result(out, kEnterpriseInvalid);
                return SoftApReply::json;
            }
            enterprise.ca_certificate = {scratch.root_ca, n};
        }
        if (enterprise.type == EapType::tls) {
            const std::size_t cert =
                certificate_der(v[crt], scratch.client_cert, sizeof scratch.client_cert);
            const int pem_len = ctx.key.decrypt_private_key(
                v[ek].text, v[ek].len, v[key].text, v[key].len,
                reinterpret_cast<std::uint8_t*>(scratch.pem), sizeof scratch.pem - 1);
            if (pem_len < 0) {
                write_result(out, kRejectedKey);
                return SoftApReply::json;
            }
            // The trailing PKCS#7 bytes Device OS leaves in place sit after the END line.
            const std::size_t der = pem_to_der(scratch.pem, static_cast<std::size_t>(pem_len),
                                               scratch.client_key, sizeof scratch.client_key);
            enterprise.client_certificate = {scratch.client_cert, cert};
            enterprise.client_key = {scratch.client_key, der};
            if (password_len == 0) {  // Device OS stores its stand-in "1" for EAP-TLS
                password[0] = '1';
                password_len = 1;
            }
        }
    }

    // Cipher bits are never taken from `sec`: WPA and WPA2 resolve through a scan.
    const WifiCredentials credentials{
        v[ssid].text,  v[ssid].len, security, Cipher::not_set,
        reinterpret_cast<const char*>(password), password_len,
        static_cast<std::uint8_t>(json_primitive_int(v[ch])),
        wants_enterprise ? &enterprise : nullptr};
    int stored = set_credentials(credentials, true, ctx.config, ctx.radio);
    if (stored == credentials_result::ok)
        stored = set_credentials(credentials, false, ctx.config, ctx.radio);
    if (stored == credentials_result::ok) ctx.actions.credentials_changed();
    write_result(out, result_code(stored));
    return SoftApReply::json;
}

}  // namespace core
