#pragma once
// The simulated Wi-Fi radio of the emulated devices, less where its networks come from: the
// native device reads them from wifi-env.txt (protocol/virtual-device.md), the QEMU image
// gets them over the fixture channel (protocol/qemu-fixture.md). Both join alike: a join
// takes the network's delay (default 200 ms; 300 ms for a network that is not there), then
// succeeds, or fails with wrong_password, network_not_found (absent, or `gone`) or
// timed_out (`timeout`). A network without a password takes any credential; with one, a
// join must present it (WEP: as typed, hex digits or ASCII; enterprise: the PEAP password).
#include <cstddef>
#include <cstdint>

#include "hal/clock.hpp"
#include "hal/radio.hpp"

namespace core {

enum class NetworkBehaviour : std::uint8_t {
    ok,       // joins (or refuses a wrong password)
    gone,     // listed by scans, vanished when joined
    timeout,  // never answers a join
};

struct SimulatedNetwork {
    static constexpr std::size_t kMaxPassword = 64;
    hal::AccessPoint ap;
    char password[kMaxPassword + 1];   // NUL-terminated; empty: any credential
    std::uint32_t join_ms;
    NetworkBehaviour behaviour;
};

constexpr std::uint32_t kSimulatedJoinMs = 200;
constexpr std::uint32_t kSimulatedAbsentJoinMs = 300;   // a join scans a while, then gives up
constexpr std::uint32_t kSimulatedMaxRateKbps = 72200;  // 802.11n, one stream (BCM43362)

// A network with the defaults (channel 1, -50 dBm, no password, 200 ms, ok); false when the
// SSID is empty or longer than 32 bytes.
bool make_simulated_network(const char* ssid, std::size_t ssid_len, std::uint32_t security,
                            SimulatedNetwork* out);
// "ok", "gone" or "timeout" (exactly `len` characters).
bool parse_behaviour(const char* text, std::size_t len, NetworkBehaviour* out);
// The arguments of the fixture channel's `NET ADD` line, space-separated:
//   <ssid-hex> <security-hex> <channel> <rssi> <password-hex|-> <join_ms> <ok|gone|timeout>
// False (and `out` unspecified) unless every field is there and in range.
bool parse_network_args(const char* args, SimulatedNetwork* out);
// How a completed join ends, given the network as the environment has it now (nullptr:
// absent) and the credential the join presented.
hal::JoinProgress simulated_join_outcome(const SimulatedNetwork* network,
                                         const std::uint8_t* key, std::size_t key_len);

// join/progress/leave over an environment a subclass provides (scan and find).
class SimulatedRadio : public hal::Radio {
public:
    explicit SimulatedRadio(hal::Clock& clock) : clock_(clock) {}
    void join(const hal::JoinRequest& request) override;
    hal::JoinProgress progress() override;
    void leave() override { progress_ = hal::JoinProgress::idle; }
    // The joined network's RSSI as the environment has it now; false once it has gone.
    bool link_rssi(std::int16_t* dbm) override;

protected:
    // The network named `ssid` now (the last one if several, like the last BSSID of a
    // scan); false when there is none.
    virtual bool find(const char* ssid, std::size_t len, SimulatedNetwork* out) const = 0;

private:
    hal::Clock& clock_;
    hal::JoinProgress progress_ = hal::JoinProgress::idle;
    char ssid_[33] = {};
    std::size_t ssid_len_ = 0;
    std::uint8_t key_[64] = {};
    std::size_t key_len_ = 0;
    std::uint32_t started_ms_ = 0;
    std::uint32_t delay_ms_ = 0;
};

}  // namespace core
