#pragma once
// Device OS's credential path shared by the serial `w` dialogue and (later) SoftAP
// configure-ap: resolve the security from a scan when it is not given, validate, store.
#include <cstddef>
#include <cstdint>

#include "core/device_config.hpp"
#include "core/wifi_security.hpp"
#include "hal/radio.hpp"

namespace core {

struct WifiCredentials {
    const char* ssid;
    std::size_t ssid_len;
    Security security;
    Cipher cipher;
    const char* password;
    std::size_t password_len;
    std::uint8_t channel;
    const EnterpriseConfig* enterprise;   // required for the enterprise types
};

// Results as Device OS numbers them.
namespace credentials_result {
constexpr int ok = 0;
constexpr int store_failed = -1;
constexpr int cipher_required = -2;   // security unknown and the network is not in a scan
constexpr int bad_ssid = -3;
constexpr int bad_key = -4;
constexpr int bad_enterprise = -5;
}  // namespace credentials_result

// With dry_run nothing is stored; the result says whether storing would succeed.
int set_credentials(const WifiCredentials& credentials, bool dry_run, DeviceConfig& config,
                    hal::Radio* radio);

// Scan for an exact SSID; false when the network is not visible.
bool find_network(hal::Radio* radio, const char* ssid, std::size_t ssid_len,
                  hal::AccessPoint* found);

}  // namespace core
