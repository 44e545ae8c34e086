#pragma once
// Joining the stored Wi-Fi profiles after setup, and the latched outcome of the last attempt
// (a harken addition: Device OS only shows it on the LED). The outcome stays readable until
// the next attempt, over the serial console (`j`) and SoftAP (`connect-status`).
#include <cstddef>
#include <cstdint>

#include "core/device_config.hpp"
#include "core/json_writer.hpp"
#include "hal/clock.hpp"
#include "hal/radio.hpp"

namespace core {

enum class JoinState : std::uint8_t { idle, joining, connected, failed };
enum class JoinFailure : std::uint8_t {
    none, wrong_password, network_not_found, timed_out, cancelled,
};

struct JoinOutcome {
    std::uint32_t attempt = 0;   // attempts since boot; 0 = none yet
    JoinState state = JoinState::idle;
    JoinFailure reason = JoinFailure::none;
    char ssid[33] = {};          // the network joined, or the newest profile that failed
};

class NetworkJoin {
public:
    // Device OS gives a whole join 60 s before it cancels it (wlan_connect_finalize).
    static constexpr std::uint32_t kBudgetMs = 60000;

    NetworkJoin(const DeviceConfig& config, hal::Radio* radio, hal::Clock& clock)
        : config_(config), radio_(radio), clock_(clock) {}

    // Starts a new attempt over the stored profiles, newest first. False when none is stored
    // (the outcome is left as it was).
    bool begin();
    // Drives the radio; call every loop pass.
    void poll();
    // Drops the network or an attempt in progress (listening mode takes the radio).
    void leave();

    const JoinOutcome& outcome() const { return outcome_; }
    bool joining() const { return outcome_.state == JoinState::joining; }

private:
    bool try_from(std::size_t slot);
    void finish(JoinState state, JoinFailure reason, const char* ssid, std::size_t len);

    const DeviceConfig& config_;
    hal::Radio* radio_;
    hal::Clock& clock_;
    JoinOutcome outcome_;
    std::size_t slot_ = 0;
    std::uint32_t started_ms_ = 0;
    JoinFailure first_failure_ = JoinFailure::none;
    StoredProfile newest_{};
};

// {"attempt":N,"state":"…","ssid":"…","reason":"…"} members (no braces, no "r").
void write_join_outcome(JsonWriter& json, const JoinOutcome& outcome);

}  // namespace core
