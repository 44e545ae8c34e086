#pragma once
// The QEMU fixture channel on USART3 (protocol/qemu-fixture.md): a line protocol through
// which the host plays the parts of the bench the emulator lacks. Today: the bit rate a
// client set on the console's host-side pty (Device OS acts on USB CDC line coding) and the
// networks the simulated Wi-Fi radio sees; the SETUP button, a power cycle, and (written by
// core::bench::EventLines on the same port) the LED, button and mode events.
#include <cstddef>
#include <cstdint>

#include "core/bench_button.hpp"
#include "fixture_radio.hpp"
#include "hal/console_port.hpp"

namespace qemu {

// What the host asked for, for the board to act on.
class FixtureEvents {
public:
    virtual ~FixtureEvents() = default;
    virtual void bit_rate_set(std::uint32_t bits_per_second) = 0;
    // The simulated radio the NET lines fill; nullptr on a platform without Wi-Fi.
    virtual FixtureRadio* radio() = 0;
    // The SETUP button the BTN lines move.
    virtual core::BenchButton& button() = 0;
    // RESET: a power cycle, the button held from the start for hold_ms (0: not held).
    virtual void reset(std::uint32_t hold_ms) = 0;
    // A host said HELLO: report the mode and the LED again.
    virtual void announce() = 0;
};

class FixtureChannel {
public:
    static constexpr char kHello[] = "HELLO harken-fixture 1";
    static constexpr std::size_t kMaxLine = 255;  // the longest NET ADD has 238

    explicit FixtureChannel(hal::ConsolePort& port) : port_(port) {}
    // Greets the host; before the device boots.
    void begin();
    // Reads whole lines and answers each: "OK" or "ERR <reason>".
    void poll(FixtureEvents& events);

private:
    // A command's handler gets the text after the name; returns nullptr or an error.
    using Handler = const char* (FixtureChannel::*)(const char* args, FixtureEvents& events);
    struct Command {
        const char* name;
        Handler run;
    };
    static const Command kCommands[];

    void dispatch(FixtureEvents& events);
    const char* hello(const char* args, FixtureEvents& events);
    const char* baud(const char* args, FixtureEvents& events);
    const char* net(const char* args, FixtureEvents& events);
    const char* btn(const char* args, FixtureEvents& events);
    const char* reset(const char* args, FixtureEvents& events);
    void reply(const char* text, const char* detail = nullptr);

    hal::ConsolePort& port_;
    char line_[kMaxLine + 1] = {};
    std::size_t len_ = 0;
    bool overflow_ = false;  // the current line is too long: discarded up to its end
};

}  // namespace qemu
