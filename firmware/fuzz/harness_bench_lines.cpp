// The fixture channel's command lines (protocol/fixture.md, qemu-fixture.md): BTN and RESET
// arguments, NET ADD network descriptions, behaviours and decimals, then the scripted button
// played out on the device clock and the event lines written for what it did.
#include "core/bench_button.hpp"
#include "core/bench_lines.hpp"
#include "core/simulated_radio.hpp"
#include "fuzz_support.hpp"

namespace {

fuzz::Clock g_clock;
fuzz::Port g_out;
char g_line[512];

bool starts(const char* line, const char* word, const char** rest) {
    const std::size_t n = std::strlen(word);
    if (std::strncmp(line, word, n) != 0) return false;
    *rest = line + n;
    return true;
}

void run(const std::uint8_t* data, std::size_t size) {
    // One line, as the channel's line reader hands it over: NUL-terminated, no newline.
    const std::size_t len = size < sizeof g_line - 1 ? size : sizeof g_line - 1;
    std::memcpy(g_line, data, len);
    g_line[len] = 0;
    g_clock.now = 1000;
    g_out.clear();
    fuzz::NoHeap no_heap;
    core::BenchButton button(g_clock);
    core::bench::EventLines events(g_clock, g_out);
    const char* args = nullptr;
    const char* error = nullptr;
    if (starts(g_line, "BTN ", &args)) {
        error = core::bench::button_command(args, button);
    } else if (starts(g_line, "RESET", &args)) {
        std::uint32_t hold = 0;
        error = core::bench::reset_command(*args == ' ' ? args + 1 : args, &hold);
        if (!error) FUZZ_CHECK(hold <= core::BenchButton::kMaxPressMs);
    } else if (starts(g_line, "NET ADD ", &args)) {
        core::SimulatedNetwork network;
        if (core::parse_network_args(args, &network)) {
            FUZZ_CHECK(network.ap.ssid_len <= 32 && network.ap.ssid[network.ap.ssid_len] == 0);
            FUZZ_CHECK(std::strlen(network.password) <= core::SimulatedNetwork::kMaxPassword);
        }
    } else if (starts(g_line, "BEHAVE ", &args)) {
        core::NetworkBehaviour b;
        (void)core::parse_behaviour(args, std::strlen(args), &b);
    } else {
        std::uint32_t value = 0;
        const std::uint32_t max = len ? data[0] * 0x01010101u : 0xFFFFFFFFu;
        if (core::bench::parse_decimal(g_line + (len ? 1 : 0), max, &value))
            FUZZ_CHECK(value <= max);
    }
    FUZZ_CHECK(error == nullptr || std::strlen(error) < 64);
    // Play the button out (a script lasts at most 20 presses of 10 minutes) and report it.
    bool was = false;
    for (int i = 0; i < 4000 && button.busy(); ++i) {
        g_clock.now += 7000 + (i % 7);
        const bool now = button.pressed();
        if (now != was) events.button(now ? "press" : "release", g_clock.now);
        was = now;
    }
    FUZZ_CHECK(!button.busy());
    events.mode("listening");
    events.drive(static_cast<std::uint16_t>(g_clock.now), 0, 10000);
}

}  // namespace

HARKEN_FUZZ_HARNESS("bench_lines", nullptr, run);
