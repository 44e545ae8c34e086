#pragma once
// Wi-Fi environment of the virtual device, read from a file the host may rewrite at any
// time (atomically): one network per line, TAB-separated
//   ssid, WICED security (hex), channel, rssi, password, join delay (ms), behaviour
// where the last four are optional and behaviour is `ok`, `gone` (seen by scans, vanished
// when joined) or `timeout` (never answers the join). A missing file is an empty
// environment. The file is read at every scan and again when a join completes, so a
// network can disappear between configuring and joining. How joins end is
// core::SimulatedRadio's, shared with the QEMU image.
#include "core/simulated_radio.hpp"

namespace native {

class SimulatedRadio final : public core::SimulatedRadio {
public:
    SimulatedRadio(const char* path, hal::Clock& clock)
        : core::SimulatedRadio(clock), path_(path) {}
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override;

protected:
    bool find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const override;

private:
    static bool parse(char* line, core::SimulatedNetwork* out);

    const char* path_;
};

}  // namespace native
