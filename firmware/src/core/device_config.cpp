#include "core/device_config.hpp"

#include <cstring>

#include "core/le_bytes.hpp"

namespace core {
namespace {

constexpr std::uint8_t kClaimedMark = '1';

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
}

bool printable(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] < 0x20 || p[i] > 0x7E) return false;
    return true;
}

}  // namespace

bool DeviceConfig::finish(bool staged) {
    if (staged && store_.commit()) return true;
    store_.discard();  // never leave a half-staged change behind for the next commit
    return false;
}

// ---- claim ----------------------------------------------------------------------------

bool DeviceConfig::claimed() const { return *app(dct::app::kClaimed) == kClaimedMark; }

bool DeviceConfig::set_claim_code(const char* code, std::size_t len) {
    std::uint8_t padded[kClaimCodeLen] = {};
    std::memcpy(padded, code, len < kClaimCodeLen ? len : kClaimCodeLen);
    return finish(write_app(dct::app::kClaimCode, padded, sizeof padded));
}

bool DeviceConfig::claim_code(char out[kClaimCodeLen + 1]) const {
    const std::uint8_t* p = app(dct::app::kClaimCode);
    if (p[0] == 0x00 || p[0] == 0xFF) return false;
    std::memcpy(out, p, kClaimCodeLen);
    out[kClaimCodeLen] = '\0';
    return true;
}

// ---- Wi-Fi ----------------------------------------------------------------------------

bool DeviceConfig::has_wifi_credentials() const {
    if (*wifi(dct::wifi::kDeviceConfigured) != 1) return false;
    const std::uint8_t* slot0 = wifi(dct::wifi::kApList);
    const std::uint8_t len = slot0[dct::wifi::kEntrySsidLen];
    const std::uint8_t bssid0 = slot0[dct::wifi::kEntrySsid + dct::wifi::kEntrySsidSize];
    return (len >= 1 && len <= 32) || (bssid0 != 0x00 && bssid0 != 0xFF);
}

bool DeviceConfig::add_wifi_profile(const WifiProfile& p, const EnterpriseConfig* enterprise) {
    using namespace dct::wifi;
    if (p.ssid_len < 1 || p.ssid_len > kEntrySsidSize || p.key_len > kEntryKeySize) return false;

    std::uint8_t section[dct::kWifiSectionSize];
    std::memcpy(section, wifi(0), sizeof section);
    if (section[kDeviceConfigured] != 1) {  // WICED re-initialises a foreign section
        std::memset(section, 0, sizeof section);
        section[kDeviceConfigured] = 1;
    }
    auto entry = [&](std::size_t i) { return section + kApList + i * kApEntrySize; };
    auto is_enterprise = [&](std::size_t i) {
        return (le32(entry(i) + kEntrySecurity) & wiced::kEnterprise) != 0;
    };
    const bool new_enterprise = (p.security & wiced::kEnterprise) != 0;

    int slot = -1;
    for (std::size_t i = 0; i < kApSlots && slot < 0; ++i) {
        if (entry(i)[kEntrySsidLen] == p.ssid_len &&
            std::memcmp(entry(i) + kEntrySsid, p.ssid, p.ssid_len) == 0)
            slot = static_cast<int>(i);
    }
    if (new_enterprise) {  // a single enterprise profile: reuse it, drop any others
        for (std::size_t i = 0; i < kApSlots; ++i) {
            if (!is_enterprise(i) || entry(i)[kEntrySsidLen] == 0) continue;
            if (slot < 0) slot = static_cast<int>(i);
            else if (static_cast<int>(i) != slot) std::memset(entry(i), 0, kApEntrySize);
        }
    }
    if (slot < 0) {  // newest first; the oldest profile falls off the end
        std::memmove(entry(1), entry(0), (kApSlots - 1) * kApEntrySize);
        slot = 0;
    }

    std::uint8_t* e = entry(static_cast<std::size_t>(slot));
    std::memset(e, 0, kApEntrySize);
    e[kEntrySsidLen] = static_cast<std::uint8_t>(p.ssid_len);
    std::memcpy(e + kEntrySsid, p.ssid, p.ssid_len);
    put_le32(e + kEntrySecurity, p.security);
    e[kEntryChannel] = p.channel;
    if (p.security == wiced::kWep && p.key_len > 1 && static_cast<unsigned char>(p.key[0]) > 4) {
        const std::size_t n = p.key_len / 2;  // WEP keys arrive as hex digits
        for (std::size_t i = 0; i < n; ++i)
            e[kEntryKey + i] = static_cast<std::uint8_t>(hex_value(p.key[2 * i]) << 4 |
                                                         hex_value(p.key[2 * i + 1]));
        e[kEntryKeyLen] = static_cast<std::uint8_t>(n);
    } else {
        std::memcpy(e + kEntryKey, p.key, p.key_len);
        e[kEntryKeyLen] = static_cast<std::uint8_t>(p.key_len);
    }
    bool staged = write_wifi(0, section, sizeof section);
    if (new_enterprise && enterprise) staged = staged && write_enterprise(*enterprise);
    return finish(staged);
}

bool DeviceConfig::write_enterprise(const EnterpriseConfig& c) {
    using namespace dct::eap;
    const std::size_t base = dct::app::kEapConfig;
    if (c.inner_identity.len > kIdentitySize || c.outer_identity.len > kIdentitySize ||
        c.password.len > kIdentitySize || c.ca_certificate.len > kCaCertificateSize ||
        c.client_certificate.len > dct::kSecurityCertificateSize ||
        c.client_key.len > dct::kSecurityPrivateKeySize)
        return false;
    bool ok = store_.fill(dct::kAppSection + base, 0, dct::app::kEapConfigSize);
    const std::uint8_t type = static_cast<std::uint8_t>(c.type);
    const std::uint8_t lens[3] = {static_cast<std::uint8_t>(c.inner_identity.len),
                                  static_cast<std::uint8_t>(c.outer_identity.len),
                                  static_cast<std::uint8_t>(c.password.len)};
    std::uint8_t ca_len[2];
    put_le16(ca_len, static_cast<std::uint16_t>(c.ca_certificate.len));
    ok = ok && write_app(base + kType, &type, 1) &&
         write_app(base + kInnerIdentity, c.inner_identity.data, c.inner_identity.len) &&
         write_app(base + kInnerIdentityLen, &lens[0], 1) &&
         write_app(base + kOuterIdentity, c.outer_identity.data, c.outer_identity.len) &&
         write_app(base + kOuterIdentityLen, &lens[1], 1) &&
         write_app(base + kSecurityKey, c.password.data, c.password.len) &&
         write_app(base + kSecurityKeyLen, &lens[2], 1) &&
         write_app(base + kCaCertificate, c.ca_certificate.data, c.ca_certificate.len) &&
         write_app(base + kCaCertificateLen, ca_len, 2);
    ok = ok && store_.fill(dct::kSecurityPrivateKey, 0, dct::kSecurityPrivateKeySize) &&
         store_.fill(dct::kSecurityCertificate, 0, dct::kSecurityCertificateSize) &&
         store_.write(dct::kSecurityPrivateKey, c.client_key.data, c.client_key.len) &&
         store_.write(dct::kSecurityCertificate, c.client_certificate.data,
                      c.client_certificate.len);
    return ok;
}

bool DeviceConfig::wifi_profile(std::size_t slot, StoredProfile* out) const {
    using namespace dct::wifi;
    if (slot >= kApSlots || *wifi(kDeviceConfigured) != 1) return false;
    const std::uint8_t* e = wifi(kApList + slot * kApEntrySize);
    const std::uint8_t len = e[kEntrySsidLen];
    if (len < 1 || len > kEntrySsidSize || e[kEntryKeyLen] > kEntryKeySize) return false;
    std::memset(out, 0, sizeof *out);
    std::memcpy(out->ssid, e + kEntrySsid, len);
    out->ssid_len = len;
    out->security = le32(e + kEntrySecurity);
    out->channel = e[kEntryChannel];
    out->key_len = e[kEntryKeyLen];
    std::memcpy(out->key, e + kEntryKey, out->key_len);
    return true;
}

bool DeviceConfig::stage_clear_wifi() {
    return store_.fill(dct::kWifiSection + dct::wifi::kApList, 0,
                       dct::wifi::kApSlots * dct::wifi::kApEntrySize) &&
           store_.fill(dct::kSecurityPrivateKey, 0, dct::kSecurityPrivateKeySize) &&
           store_.fill(dct::kSecurityCertificate, 0, dct::kSecurityCertificateSize) &&
           store_.fill(dct::kAppSection + dct::app::kEapConfig, 0, dct::app::kEapConfigSize);
}

bool DeviceConfig::clear_wifi_credentials() { return finish(stage_clear_wifi()); }

bool DeviceConfig::factory_reset() {
    const std::uint8_t unclaimed = 0;  // Device OS: 0 or 0xFF is "not claimed"
    return finish(stage_clear_wifi() &&
                  store_.fill(dct::kAppSection + dct::app::kClaimCode, 0,
                              dct::app::kClaimCodeSize) &&
                  write_app(dct::app::kClaimed, &unclaimed, 1));
}

// ---- product, identity -----------------------------------------------------------------

bool DeviceConfig::store_product(std::uint16_t product_id, std::uint16_t version) {
    std::uint8_t v[4];
    put_le16(v, product_id);
    put_le16(v + 2, version);
    return finish(write_app(dct::app::kProductStore, v, sizeof v));
}

std::uint16_t DeviceConfig::stored_product_id() const {
    return le16(app(dct::app::kProductStore));
}

std::uint16_t DeviceConfig::stored_product_version() const {
    return le16(app(dct::app::kProductStore + 2));
}

bool DeviceConfig::save_device_id(const std::uint8_t id[12]) {
    if (*app(dct::app::kDeviceId) != 0xFF) return true;
    return finish(write_app(dct::app::kDeviceId, id, dct::app::kDeviceIdSize));
}

bool DeviceConfig::device_secret(char out[dct::app::kDeviceSecretSize + 1]) const {
    const std::uint8_t* p = app(dct::app::kDeviceSecret);
    if (!printable(p, dct::app::kDeviceSecretSize)) return false;
    std::memcpy(out, p, dct::app::kDeviceSecretSize);
    out[dct::app::kDeviceSecretSize] = '\0';
    return true;
}

}  // namespace core
