#pragma once
// The Wi-Fi radio as the setup flows see it. Boards without a Wi-Fi chip (native, qemu)
// use a simulated radio fed with a Wi-Fi environment by the host.
#include <cstddef>
#include <cstdint>

namespace hal {

struct AccessPoint {
    char ssid[33];
    std::uint8_t ssid_len;
    std::uint32_t security;   // WICED security value (softap-protocol.md)
    std::uint8_t channel;
    std::int16_t rssi;
};

class Radio {
public:
    virtual ~Radio() = default;
    // Fills up to `max` results; returns how many were found.
    virtual std::size_t scan(AccessPoint* out, std::size_t max) = 0;
};

}  // namespace hal
