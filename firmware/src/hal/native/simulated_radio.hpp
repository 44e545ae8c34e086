#pragma once
// Wi-Fi environment of the virtual device, read from a file the host may rewrite at any
// time: one network per line, tab-separated `ssid, WICED security (hex), channel, rssi`.
// A missing file is an empty environment.
#include "hal/radio.hpp"

namespace native {

class SimulatedRadio final : public hal::Radio {
public:
    explicit SimulatedRadio(const char* path) : path_(path) {}
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override;

private:
    const char* path_;
};

}  // namespace native
