#include "fixture_radio.hpp"

#include <cstring>

namespace qemu {

bool FixtureRadio::add(const core::SimulatedNetwork& network) {
    if (count_ >= kMaxNetworks) return false;
    networks_[count_++] = network;
    return true;
}

std::size_t FixtureRadio::scan(hal::AccessPoint* out, std::size_t max) {
    std::size_t n = 0;
    for (; n < count_ && n < max; ++n) out[n] = networks_[n].ap;
    return n;
}

bool FixtureRadio::find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const {
    for (std::size_t i = count_; i-- > 0;) {  // the last one wins, like the last BSSID
        const hal::AccessPoint& ap = networks_[i].ap;
        if (ap.ssid_len == len && std::memcmp(ap.ssid, ssid, len) == 0) {
            *out = networks_[i];
            return true;
        }
    }
    return false;
}

}  // namespace qemu
