#include "fixture_channel.hpp"

#include <cstring>

#include "core/bench_lines.hpp"

namespace qemu {

constexpr char FixtureChannel::kHello[];

// New commands: a handler and a row here.
const FixtureChannel::Command FixtureChannel::kCommands[] = {
    {"HELLO", &FixtureChannel::hello},
    {"BAUD", &FixtureChannel::baud},
    {"NET", &FixtureChannel::net},
    {"BTN", &FixtureChannel::btn},
    {"RESET", &FixtureChannel::reset},
};

void FixtureChannel::begin() { reply(kHello); }

void FixtureChannel::poll(FixtureEvents& events) {
    int c;
    while ((c = port_.read()) >= 0) {
        if (c == '\n') {
            if (overflow_) reply("ERR line too long");
            else dispatch(events);
            len_ = 0;
            overflow_ = false;
        } else if (c == '\r') {
            // CRLF or LF alike
        } else if (len_ < kMaxLine) {
            line_[len_++] = static_cast<char>(c);
        } else {
            overflow_ = true;
        }
    }
}

void FixtureChannel::dispatch(FixtureEvents& events) {
    line_[len_] = '\0';
    if (len_ == 0) return;  // blank lines are keep-alives
    const char* space = std::strchr(line_, ' ');
    const std::size_t name_len = space ? static_cast<std::size_t>(space - line_) : len_;
    const char* args = space ? space + 1 : line_ + len_;
    for (const Command& command : kCommands) {
        if (std::strlen(command.name) != name_len ||
            std::strncmp(command.name, line_, name_len) != 0)
            continue;
        const char* error = (this->*command.run)(args, events);
        if (error) reply("ERR ", error);
        else if (command.run != &FixtureChannel::hello && command.run != &FixtureChannel::reset)
            reply("OK");
        return;
    }
    reply("ERR unknown command");
}

const char* FixtureChannel::hello(const char* args, FixtureEvents& events) {
    if (*args) return "bad argument";
    events.announce();
    reply(kHello);
    return nullptr;
}

const char* FixtureChannel::btn(const char* args, FixtureEvents& events) {
    return core::bench::button_command(args, events.button());
}

// Answered before the reset, which does not return.
const char* FixtureChannel::reset(const char* args, FixtureEvents& events) {
    std::uint32_t hold_ms = 0;
    if (const char* error = core::bench::reset_command(args, &hold_ms)) return error;
    reply("OK");
    events.reset(hold_ms);
    return nullptr;
}

const char* FixtureChannel::baud(const char* args, FixtureEvents& events) {
    std::uint32_t rate;
    if (!core::bench::parse_decimal(args, 100000000u, &rate) || rate == 0) return "bad argument";
    events.bit_rate_set(rate);
    return nullptr;
}

// NET CLEAR, or NET ADD <ssid-hex> <security-hex> <channel> <rssi> <password-hex|->
// <join_ms> <ok|gone|timeout>.
const char* FixtureChannel::net(const char* args, FixtureEvents& events) {
    FixtureRadio* radio = events.radio();
    if (!radio) return "no radio";
    if (std::strcmp(args, "CLEAR") == 0) {
        radio->clear();
        return nullptr;
    }
    core::SimulatedNetwork network;
    if (std::strncmp(args, "ADD ", 4) != 0 || !core::parse_network_args(args + 4, &network))
        return "bad argument";
    return radio->add(network) ? nullptr : "table full";
}

void FixtureChannel::reply(const char* text, const char* detail) {
    port_.write(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text));
    if (detail) port_.write(reinterpret_cast<const std::uint8_t*>(detail), std::strlen(detail));
    port_.write(reinterpret_cast<const std::uint8_t*>("\n"), 1);
}

}  // namespace qemu
