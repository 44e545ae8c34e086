#pragma once
// Wi-Fi environment of the virtual device, read from a file the host may rewrite at any
// time (atomically): one network per line, TAB-separated
//   ssid, WICED security (hex), channel, rssi, password, join delay (ms), behaviour
// where the last four are optional and behaviour is `ok`, `gone` (seen by scans, vanished
// when joined) or `timeout` (never answers the join). A network without a password takes
// any credential; with one, a join must present it (WEP: as typed, hex digits or ASCII;
// enterprise: the PEAP password). A missing file is an empty
// environment. The file is read at every scan and again when a join completes, so a
// network can disappear between configuring and joining.
#include <cstdint>

#include "hal/radio.hpp"

namespace native {

class SimulatedRadio final : public hal::Radio {
public:
    explicit SimulatedRadio(const char* path) : path_(path) {}
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override;
    void join(const hal::JoinRequest& request) override;
    hal::JoinProgress progress() override;
    void leave() override { progress_ = hal::JoinProgress::idle; }

private:
    struct Network {
        hal::AccessPoint ap;
        char password[65];
        std::uint32_t join_ms;
        char behaviour[8];
    };
    static bool parse(char* line, Network* out);
    bool find(const char* ssid, std::size_t len, Network* out) const;
    hal::JoinProgress outcome() const;

    const char* path_;
    hal::JoinProgress progress_ = hal::JoinProgress::idle;
    char ssid_[33] = {};
    std::size_t ssid_len_ = 0;
    std::uint8_t key_[64] = {};
    std::size_t key_len_ = 0;
    std::uint32_t security_ = 0;
    std::uint64_t done_at_ms_ = 0;
};

}  // namespace native
