#pragma once
// The test pads' gate (protocol/test-mode.md "Entering test mode"): every byte read from the
// pads passes it, and it watches them for the 16-byte preamble (overlaps handled: a partial
// preamble followed by the whole one still counts).
//
// Two uses, one rule: bytes read through the gate's ConsolePort side are the console's until
// the preamble has been seen (the byte that completes it included: it is swallowed), nothing
// after it; test mode reads everything with next().
//  - The pads are a port of their own (native, QEMU): the device drains them through read()
//    until the preamble opens the gate; those bytes are dropped.
//  - The pads are the console itself (the boards' USART1): the setup console and the
//    device's drain loops read through the gate, so the console works until the preamble
//    and goes quiet after it; what follows belongs to test mode.
// available() is the port's own count (it may include bytes past the preamble). Writes pass
// straight through. Without pads the gate is closed for good and reads nothing.
#include <cstddef>
#include <cstdint>

#include "hal/console_port.hpp"

namespace core {

class TestPadsGate final : public hal::ConsolePort {
public:
    static constexpr std::size_t kPreambleSize = 16;
    static constexpr std::uint8_t kPreamble[kPreambleSize] = {
        0xE1, 0x63, 0x57, 0x3F, 0xE7, 0x87, 0xC2, 0xA6,
        0x85, 0x20, 0xA5, 0x6C, 0xE3, 0x04, 0x9E, 0xA0};

    explicit TestPadsGate(hal::ConsolePort* pads) : pads_(pads) {}

    std::size_t available() override;
    int read() override;
    void write(const std::uint8_t* data, std::size_t len) override;

    // The next byte for test mode, watched like the others; -1 when none is waiting.
    int next();
    bool open() const { return open_; }
    // A preamble was completed since the last call (the first one, or one sent again).
    bool take_preamble();
    // A reset: closed again, nothing matched.
    void reset();
    hal::ConsolePort* pads() const { return pads_; }

private:
    void watch(std::uint8_t byte);

    hal::ConsolePort* pads_;
    std::uint8_t matched_ = 0;   // preamble bytes matched so far
    bool open_ = false;
    bool preamble_ = false;      // completed, not yet taken
};

}  // namespace core
