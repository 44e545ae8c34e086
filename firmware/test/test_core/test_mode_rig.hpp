#pragma once
// A device on fakes with test pads of their own (or shared with the console), a simulated
// radio, a bench button and a recording LED, for the test-mode tests; and a station's view of
// the pads: request frames out, reply frames back.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/bench_button.hpp"
#include "core/simulated_radio.hpp"
#include "core/test_mode_frame.hpp"
#include "core/test_pads_gate.hpp"
#include "fake_board.hpp"

namespace station {

using Bytes = std::vector<std::uint8_t>;

inline Bytes preamble() {
    return Bytes(core::TestPadsGate::kPreamble,
                 core::TestPadsGate::kPreamble + core::TestPadsGate::kPreambleSize);
}

inline Bytes frame(std::uint8_t type, std::uint8_t seq, const Bytes& payload = {}) {
    Bytes out(core::test_mode::frame_size(payload.size()));
    const std::size_t n = core::test_mode::encode_frame(type, seq, payload.data(),
                                                        payload.size(), out.data(), out.size());
    out.resize(n);
    return out;
}

struct Reply {
    std::uint8_t type;
    std::uint8_t seq;
    Bytes payload;  // status first
    int status() const { return payload.empty() ? -1 : payload[0]; }
};

// Frames (limit 1024, as a station reads) and frame errors found in bytes.
class Collector final : public core::test_mode::FrameSink {
public:
    std::vector<Reply> frames;
    std::vector<std::string> errors;
    void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* p,
               std::size_t len) override {
        frames.push_back({type, seq, Bytes(p, p + len)});
    }
    void frame_error(core::test_mode::Status status, std::uint8_t seq) override {
        errors.push_back(std::string(core::test_mode::status_name(status)) + " " +
                         std::to_string(seq));
    }
};

inline std::vector<Reply> replies_in(const std::string& bytes) {
    static core::test_mode::BufferedFrameReader<core::test_mode::kMaxPayload> reader;
    reader.clear();
    Collector c;
    for (unsigned char b : bytes) reader.push(b, 0, c);
    EXPECT_TRUE(c.errors.empty()) << c.errors.front();
    return c.frames;
}

inline std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// Little-endian fields of a reply payload.
inline int u16_at(const Bytes& p, std::size_t at) { return p[at] | p[at + 1] << 8; }
inline int i16_at(const Bytes& p, std::size_t at) {
    return static_cast<std::int16_t>(p[at] | p[at + 1] << 8);
}

}  // namespace station

namespace rig {

// The simulated radio over a list of networks (what wifi-env.txt or NET ADD would give).
class SimRadio final : public core::SimulatedRadio {
public:
    explicit SimRadio(hal::Clock& clock) : core::SimulatedRadio(clock) {}
    std::vector<core::SimulatedNetwork> networks;

    core::SimulatedNetwork& add(const char* ssid, std::uint32_t security, const char* password,
                                std::int16_t rssi) {
        core::SimulatedNetwork n;
        core::make_simulated_network(ssid, std::strlen(ssid), security, &n);
        std::snprintf(n.password, sizeof n.password, "%s", password);
        n.ap.rssi = rssi;
        networks.push_back(n);
        return networks.back();
    }
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override {
        std::size_t n = 0;
        for (; n < networks.size() && n < max; ++n) out[n] = networks[n].ap;
        return n;
    }

protected:
    bool find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const override {
        bool found = false;
        for (const auto& n : networks) {
            if (n.ap.ssid_len != len || std::memcmp(n.ap.ssid, ssid, len) != 0) continue;
            *out = n;
            found = true;
        }
        return found;
    }
};

class Ui final : public hal::RgbLed, public core::led::LedWatcher, public core::bench::UiReport {
public:
    void drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) override {
        drives.push_back(std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b));
    }
    void showing(const char* name, const core::led::Look& look) override {
        static const char* const kPatterns[] = {"?", "solid", "blink", "breathe"};
        char text[80];
        std::snprintf(text, sizeof text, "%s %06x %s %u", name, static_cast<unsigned>(look.rgb),
                      kPatterns[static_cast<int>(look.pattern)], unsigned{look.period_ms});
        looks.push_back(text);
    }
    void button(const char* event, std::uint32_t value) override {
        buttons.push_back(std::string(event) + " " + std::to_string(value));
    }
    void mode(const char* name) override { modes.push_back(name); }
    std::vector<std::string> drives, looks, buttons, modes;
};

enum class Pads { own, shared, none };

struct Device {
    Pads where;
    fake::Board b;
    fake::Console pads;
    SimRadio radio{b.clock};
    core::BenchButton button{b.clock};
    Ui ui;
    core::Device d;

    explicit Device(const char* platform, Pads pads_are = Pads::own)
        : where(pads_are), b(platform), d(wire()) {
        d.boot(hal::BootMode::normal);
    }
    core::Board wire() {
        if (!b.platform->has_wifi)
            std::snprintf(b.identity.iccid, sizeof b.identity.iccid, "89340765000025876571");
        core::Board board = b.hal();
        if (b.platform->has_wifi) board.radio = &radio;
        board.button = &button, board.led = &ui, board.led_watcher = &ui, board.ui_report = &ui;
        board.test_pads = where == Pads::own ? static_cast<hal::ConsolePort*>(&pads)
                          : where == Pads::shared ? &b.console
                                                  : nullptr;
        return board;
    }
    // The station's end of the pads.
    fake::Console& port() { return where == Pads::shared ? b.console : pads; }

    // Loop passes 5 ms apart, as the native loop runs them.
    void run(std::uint32_t ms) {
        for (std::uint32_t t = 0; t < ms; t += 5) b.clock.now += 5, d.step();
    }
    void send(const station::Bytes& bytes) {
        port().rx.insert(port().rx.end(), bytes.begin(), bytes.end());
    }
    // Sends, runs one pass, returns the reply frames written since the last call.
    std::vector<station::Reply> exchange(const station::Bytes& bytes) {
        send(bytes);
        d.step();
        return replies();
    }
    std::vector<station::Reply> replies() { return station::replies_in(port().take()); }
    // Preamble and HELLO: the device is in test mode.
    void enter() {
        const auto got = exchange(station::preamble());
        ASSERT_EQ(got.size(), 1u);
        ASSERT_EQ(got[0].type, 0xC0);
        ASSERT_TRUE(d.test_mode());
    }
    // One request, one pass, exactly one reply.
    station::Reply request(std::uint8_t type, std::uint8_t seq, const station::Bytes& p = {}) {
        const auto got = exchange(station::frame(type, seq, p));
        EXPECT_EQ(got.size(), 1u) << "request type " << int{type};
        return got.empty() ? station::Reply{0, 0, {}} : got[0];
    }
};

}  // namespace rig
