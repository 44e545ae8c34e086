#include "core/wifi_credentials.hpp"

#include <cstring>

namespace core {
namespace {

// What an enterprise join cannot start without: PEAP an identity and a password, EAP-TLS
// a client certificate and its key.
bool enterprise_complete(const EnterpriseConfig* e) {
    if (!e) return false;
    // Identities and the PEAP password are 64 bytes at most (softap-protocol.md §5.4).
    const std::size_t most = dct::eap::kIdentitySize;
    if (e->inner_identity.len > most || e->outer_identity.len > most || e->password.len > most)
        return false;
    if (e->type == EapType::tls) return e->client_certificate.len && e->client_key.len;
    return e->inner_identity.len && e->password.len;
}

}  // namespace

bool find_network(hal::Radio* radio, const char* ssid, std::size_t ssid_len,
                  hal::AccessPoint* found) {
    if (!radio) return false;
    static hal::AccessPoint results[32];
    const std::size_t n = radio->scan(results, sizeof results / sizeof results[0]);
    bool hit = false;
    for (std::size_t i = 0; i < n; ++i) {  // the last match wins, as in Device OS
        if (results[i].ssid_len == ssid_len && std::memcmp(results[i].ssid, ssid, ssid_len) == 0) {
            *found = results[i];
            hit = true;
        }
    }
    return hit;
}

int set_credentials(const WifiCredentials& c, bool dry_run, DeviceConfig& config,
                    hal::Radio* radio) {
    using namespace credentials_result;
    Security security = c.security;
    if (!is_enterprise(security) && c.password_len == 0) security = Security::open;
    if (c.ssid_len < 1 || c.ssid_len > 32) return bad_ssid;

    std::uint32_t wiced_value;
    // WPA and WPA2, personal or enterprise, need a cipher; without one the AP's own
    // security from a scan decides (always the case for SoftAP).
    const bool needs_cipher = security == Security::wpa || security == Security::wpa2 ||
                              is_enterprise(security);
    if (security == Security::not_set || (needs_cipher && c.cipher == Cipher::not_set)) {
        hal::AccessPoint ap;
        if (!find_network(radio, c.ssid, c.ssid_len, &ap)) return cipher_required;
        wiced_value = ap.security;
    } else {
        wiced_value = to_wiced(security, c.cipher);
    }

    const Security resolved = security_from_wiced(wiced_value);
    if (resolved == Security::wep && (c.password_len < 5 || c.password_len > 58)) return bad_key;
    if ((resolved == Security::wpa || resolved == Security::wpa2) &&
        (c.password_len < 8 || c.password_len > 64))
        return bad_key;
    // Like Device OS, a dry run does not look at the enterprise material: it is asked for
    // after the dry run in the `w` dialogue.
    if (dry_run) return ok;
    if (is_enterprise(resolved) && !enterprise_complete(c.enterprise)) return bad_enterprise;

    // Device OS stores the password in the profile for enterprise networks too (for EAP-TLS
    // that is the dialogue's stand-in "1").
    const WifiProfile profile{c.ssid, c.ssid_len, wiced_value, c.channel, c.password,
                              c.password_len};
    return config.add_wifi_profile(profile, c.enterprise) ? ok : store_failed;
}

}  // namespace core
