#pragma once
// What differs between the Gen 2 platforms as far as setup is concerned.
#include <cstdint>

namespace core {

struct PlatformInfo {
    std::uint16_t id;              // 6 Photon, 8 P1, 10 Electron
    const char* name;              // "photon"
    const char* product_name;      // USB product string / default SoftAP SSID prefix
    bool has_wifi;                 // Photon/P1: `w` dialogue, Wi-Fi credentials
    std::uint32_t listen_timeout_ms;  // 0 = listening mode never times out
    std::uint32_t monolithic_max_size;
};

const PlatformInfo* platform_by_id(std::uint16_t id);
const PlatformInfo* platform_by_name(const char* name);

}  // namespace core
