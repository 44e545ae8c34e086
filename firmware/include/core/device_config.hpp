#pragma once
// What the setup flows keep in the DCT, with Device OS's rules for each field
// (device-config-and-claim.md). Every mutator stages and commits one atomic change.
#include <cstddef>
#include <cstdint>

#include "core/config_store.hpp"
#include "core/wifi_security.hpp"

namespace core {

struct Bytes {
    const std::uint8_t* data;
    std::size_t len;
};

// One Wi-Fi profile as stored in a WICED AP slot.
struct WifiProfile {
    const char* ssid;
    std::size_t ssid_len;
    std::uint32_t security;   // WICED value
    std::uint8_t channel;
    const char* key;          // passphrase (WEP: hex digits, decoded before storing)
    std::size_t key_len;
};

// WPA Enterprise material shared by the single enterprise profile.
struct EnterpriseConfig {
    EapType type;
    Bytes inner_identity, outer_identity, password;
    Bytes ca_certificate;                       // DER; empty = none
    Bytes client_certificate, client_key;       // DER, EAP-TLS only
};

// A stored Wi-Fi profile read back for joining (WEP keys hex-decoded, as stored).
struct StoredProfile {
    char ssid[33];
    std::size_t ssid_len;
    std::uint32_t security;
    std::uint8_t channel;
    std::uint8_t key[64];
    std::size_t key_len;
};

class DeviceConfig {
public:
    static constexpr std::size_t kClaimCodeLen = 63;

    explicit DeviceConfig(ConfigStore& store) : store_(store) {}

    // Claim: byte 1825 == '1' means claimed; the code is 63 bytes, no terminator.
    bool claimed() const;
    bool set_claim_code(const char* code, std::size_t len);  // zero-pads to 63
    bool claim_code(char out[kClaimCodeLen + 1]) const;      // false when none pending

    // Wi-Fi (Photon/P1): slot 0 is the newest profile.
    bool has_wifi_credentials() const;
    bool add_wifi_profile(const WifiProfile& profile, const EnterpriseConfig* enterprise);
    bool clear_wifi_credentials();
    // Test mode's FACTORY_RESET, in one commit: the Wi-Fi profiles (as above), the pending
    // claim code and the claimed flag go; the device key, device ID and setup SSID stay. (A
    // Gen 2 DCT has no setup-done flag: Device OS keeps that only on Gen 3.)
    bool factory_reset();
    // Slot 0..4; false for an empty or unreadable slot.
    bool wifi_profile(std::size_t slot, StoredProfile* out) const;

    // The setup AP's SSID, "<prefix>-<code>" (setup_ssid.cpp): a missing prefix becomes
    // "Photon" and a missing code is drawn from `random`, both persisted once, together with
    // WICED's soft-AP settings. `out` gets at most 32 characters.
    bool setup_ssid(std::uint32_t random, char out[33]);

    // Product ID and version persisted by the running application (0xFFFF = unset).
    bool store_product(std::uint16_t product_id, std::uint16_t version);
    std::uint16_t stored_product_id() const;
    std::uint16_t stored_product_version() const;

    // Device OS copies the MCU unique ID into the DCT at boot when the slot is erased.
    bool save_device_id(const std::uint8_t id[12]);
    // The factory "device secret", when present and printable.
    bool device_secret(char out[dct::app::kDeviceSecretSize + 1]) const;

private:
    const std::uint8_t* app(std::size_t offset) const {
        return store_.image() + dct::kAppSection + offset;
    }
    const std::uint8_t* wifi(std::size_t offset) const {
        return store_.image() + dct::kWifiSection + offset;
    }
    bool write_app(std::size_t offset, const void* src, std::size_t len) {
        return store_.write(dct::kAppSection + offset, static_cast<const std::uint8_t*>(src),
                            len);
    }
    bool write_wifi(std::size_t offset, const void* src, std::size_t len) {
        return store_.write(dct::kWifiSection + offset, static_cast<const std::uint8_t*>(src),
                            len);
    }
    bool write_enterprise(const EnterpriseConfig& e);
    bool stage_clear_wifi();
    bool finish(bool staged);

    ConfigStore& store_;
};

}  // namespace core
