#pragma once
// The 13 system LED signals as a data table and the status priority rules as a small
// arbiter (spec led-and-button.md §3, §4). No heap: the active list has a fixed capacity.
#include <cstddef>
#include <cstdint>

#include "core/led_pattern.hpp"

namespace core {
namespace led {

// §4 signal ids (their index in a theme).
enum class Signal : std::uint8_t {
    network_off = 0, network_on, network_connecting, network_dhcp, network_connected,
    cloud_connecting, cloud_handshake, cloud_connected, safe_mode, listening_mode, dfu_mode,
    firmware_update, power_off,
};
constexpr std::size_t kSignalCount = 13;

// §3 levels and sources; `none`: the system never queues this signal (bootloader only, or
// colour only).
enum class Level : std::uint8_t { none = 0, background = 10, normal = 20, important = 30, critical = 40 };
enum class Source : std::uint8_t { application = 1, system = 2 };

// §3: (level & 0x3F) << 2 | (source & 3).
constexpr std::uint8_t priority(Level level, Source source) {
    return static_cast<std::uint8_t>((static_cast<std::uint8_t>(level) & 0x3F) << 2 |
                                     (static_cast<std::uint8_t>(source) & 3));
}

struct SignalRow {
    Signal id;
    const char* name;
    Look look;               // effective colour (theme nibbles × 17), pattern, period
    std::uint8_t theme[3];   // the default theme's bytes
    Level level;             // as the system raises it; listening: without a system thread
};

const SignalRow& signal_row(Signal signal);
// Listening mode is CRITICAL without a system thread, NORMAL with SYSTEM_THREAD enabled.
Level system_level(Signal signal, bool system_thread = false);
// §4 theme entry: b0 = R4<<4 | G4, b1 = B4<<4 | pattern, b2 = period / 50.
Look decode_theme(const std::uint8_t entry[3]);

// §3: active statuses sorted by descending priority; an (re)activated status goes before the
// ones of equal priority (the latest wins a tie); only the front is shown.
class StatusArbiter {
public:
    static constexpr std::size_t kCapacity = 16;
    static constexpr int kNone = -1;

    // id: any byte (system signals use their Signal value). False when full.
    bool activate(std::uint8_t id, std::uint8_t priority);
    void deactivate(std::uint8_t id);
    // A system signal at its system level; false if the system never queues it.
    bool activate(Signal signal, bool system_thread = false);
    void deactivate(Signal signal) { deactivate(static_cast<std::uint8_t>(signal)); }

    bool active(std::uint8_t id) const;
    std::size_t size() const { return count_; }
    int front() const { return count_ ? entries_[0].id : kNone; }

private:
    struct Entry {
        std::uint8_t id;
        std::uint8_t priority;
    };
    Entry entries_[kCapacity];
    std::size_t count_ = 0;
};

}  // namespace led
}  // namespace core
