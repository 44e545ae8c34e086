#pragma once
// In-memory HAL for unit tests: a console that records output, NOR flash in RAM that can
// lose power after a given number of bytes, a settable clock and a fixed scan list.
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "core/device.hpp"

namespace fake {

class Console final : public hal::ConsolePort {
public:
    std::deque<std::uint8_t> rx;
    std::string tx;

    void send(const std::string& s) { rx.insert(rx.end(), s.begin(), s.end()); }
    std::string take() {
        std::string out;
        out.swap(tx);
        return out;
    }
    std::size_t available() override { return rx.size(); }
    int read() override {
        if (rx.empty()) return -1;
        const int c = rx.front();
        rx.pop_front();
        return c;
    }
    void write(const std::uint8_t* data, std::size_t len) override {
        tx.append(reinterpret_cast<const char*>(data), len);
    }
};

// Power is lost once `budget` more bytes were erased or programmed; later operations fail
// and change nothing, like a part whose supply is gone.
class Flash final : public hal::Storage {
public:
    std::vector<std::uint8_t> cells = std::vector<std::uint8_t>(kSectorSize * kSectorCount, 0xFF);
    long long budget = -1;  // -1: unlimited
    bool powered() const { return budget != 0; }

    bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) override {
        if (!powered() || sector < 0 || sector >= kSectorCount || offset + len > kSectorSize)
            return false;
        std::memcpy(dst, cells.data() + sector * kSectorSize + offset, len);
        return true;
    }
    bool erase(int sector) override {
        std::vector<std::uint8_t> ff(kSectorSize, 0xFF);
        return apply(sector, 0, ff.data(), kSectorSize, false);
    }
    bool program(int sector, std::size_t offset, const std::uint8_t* src,
                 std::size_t len) override {
        return apply(sector, offset, src, len, true);
    }

private:
    bool apply(int sector, std::size_t offset, const std::uint8_t* src, std::size_t len,
               bool and_bits) {
        if (!powered() || sector < 0 || sector >= kSectorCount || offset + len > kSectorSize)
            return false;
        std::uint8_t* dst = cells.data() + sector * kSectorSize + offset;
        for (std::size_t i = 0; i < len; ++i) {
            if (budget == 0) return false;
            dst[i] = and_bits ? (dst[i] & src[i]) : src[i];
            if (budget > 0) --budget;
        }
        return true;
    }
};

class Clock final : public hal::Clock {
public:
    std::uint32_t now = 1000;
    std::uint32_t millis() override { return now; }
};

class Control final : public hal::SystemControl {
public:
    bool reset_requested = false;
    hal::BootMode next = hal::BootMode::normal;
    std::uint32_t backup = 0;
    void reset(hal::BootMode mode) override {
        reset_requested = true;
        next = mode;
    }
    std::uint32_t listen_flag_register() override { return backup; }
    void set_listen_flag_register(std::uint32_t v) override { backup = v; }
};

class Log final : public hal::EventLog {
public:
    std::vector<std::string> events;
    void event(const char* category, const char* text) override {
        events.push_back(std::string(category) + ": " + text);
    }
};

class Radio final : public hal::Radio {
public:
    std::vector<hal::AccessPoint> networks;
    void add(const char* ssid, std::uint32_t security, std::uint8_t channel = 6) {
        hal::AccessPoint ap{};
        std::strncpy(ap.ssid, ssid, 32);
        ap.ssid_len = static_cast<std::uint8_t>(std::strlen(ssid));
        ap.security = security;
        ap.channel = channel;
        ap.rssi = -50;
        networks.push_back(ap);
    }
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override {
        std::size_t n = 0;
        for (const auto& ap : networks)
            if (n < max) out[n++] = ap;
        return n;
    }
    // Joins finish at once with `join_result`; `joins` records what was attempted.
    hal::JoinProgress join_result = hal::JoinProgress::joined;
    hal::JoinProgress state = hal::JoinProgress::idle;
    std::vector<std::string> joins;
    void join(const hal::JoinRequest& r) override {
        joins.emplace_back(r.ssid, r.ssid_len);
        state = join_result;
    }
    hal::JoinProgress progress() override { return state; }
    void leave() override { state = hal::JoinProgress::idle; }
    // Joined: the last joined network's scan RSSI (-50 when it is not in the list).
    bool link_rssi(std::int16_t* dbm) override {
        if (state != hal::JoinProgress::joined || joins.empty()) return false;
        *dbm = -50;
        for (const auto& ap : networks)
            if (joins.back() == std::string(ap.ssid, ap.ssid_len)) *dbm = ap.rssi;
        return true;
    }
};

// Reproducible "randomness" (SplitMix64 from a settable seed), so key generation in tests
// is deterministic; `broken` makes the source fail like a dead RNG.
class Entropy final : public hal::Entropy {
public:
    std::uint64_t state = 0x6861726B656E;  // "harken"
    bool broken = false;
    bool fill(std::uint8_t* out, std::size_t len) override {
        if (broken) return false;
        for (std::size_t i = 0; i < len; ++i) {
            std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
            out[i] = static_cast<std::uint8_t>(z ^ (z >> 31));
        }
        return true;
    }
};

// A whole device on fakes, with the running image the native build describes.
struct Board {
    Console console;
    Flash flash;
    Clock clock;
    Control control;
    Log log;
    Radio radio;
    Entropy entropy;
    hal::Identity identity{};
    hal::SetupListener* setup_ap = nullptr;   // a SoftAP test plugs one in
    core::RunningImage image{};
    const core::PlatformInfo* platform;

    explicit Board(const char* platform_name) : platform(core::platform_by_name(platform_name)) {
        image.prefix.version = core::kModuleVersion;
        image.prefix.platform_id = platform->id;
        image.prefix.function = static_cast<std::uint8_t>(core::ModuleFunction::monolithic);
        image.slot_size = platform->monolithic_max_size;
        image.product_id = platform->id;
        image.product_version = 0xFFFF;
    }
    core::Board hal() {
        return core::Board{*platform, console, flash, clock, control, log, identity, entropy,
                           platform->has_wifi ? &radio : nullptr, setup_ap, image,
                           platform->listen_timeout_ms};
    }
};

}  // namespace fake
