#pragma once
// The Wi-Fi radio as the setup flows see it: scan, and join one network at a time. Boards
// without a Wi-Fi chip (native, qemu) use a simulated radio fed with a Wi-Fi environment by
// the host.
#include <cstddef>
#include <cstdint>

namespace hal {

struct AccessPoint {
    char ssid[33];
    std::uint8_t ssid_len;
    std::uint32_t security;   // WICED security value (softap-protocol.md)
    std::uint8_t channel;
    std::int16_t rssi;
    std::uint32_t max_rate_kbps;   // the AP's maximum data rate, as scans report it
};

// One stored profile to join, as it sits in the DCT (WEP keys already hex-decoded).
struct JoinRequest {
    const char* ssid;
    std::size_t ssid_len;
    std::uint32_t security;   // WICED value
    const std::uint8_t* key;
    std::size_t key_len;
};

enum class JoinProgress : std::uint8_t {
    idle, joining, joined, wrong_password, network_not_found, timed_out,
};

class Radio {
public:
    virtual ~Radio() = default;
    // Fills up to `max` results; returns how many were found.
    virtual std::size_t scan(AccessPoint* out, std::size_t max) = 0;
    // Starts joining; progress() reports the outcome when it is known. A new join or
    // leave() abandons the previous one.
    virtual void join(const JoinRequest& request) = 0;
    virtual JoinProgress progress() = 0;
    virtual void leave() = 0;
    // The joined network's signal (dBm); false when not joined.
    virtual bool link_rssi(std::int16_t* dbm) = 0;
};

}  // namespace hal
