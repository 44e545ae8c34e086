#pragma once
// The event log as a board's debug UART carries it (protocol/test-mode.md, "Log text and
// frames on one line"): every event goes on to the device's own log and is also written to
// the test pads as `[category] message\r\n`. Bytes that are not printable ASCII become '?',
// so a log line never holds 0xFA, the first byte of a test-mode frame. Fixed buffer, no heap.
#include <cstddef>
#include <cstdint>

#include "hal/console_port.hpp"
#include "hal/event_log.hpp"

namespace core {

class TestPadsLog final : public hal::EventLog {
public:
    // Longest line written, "\r\n" included; a longer event is cut to fit.
    static constexpr std::size_t kLineMax = 192;

    TestPadsLog(hal::EventLog& inner, hal::ConsolePort& pads) : inner_(inner), pads_(pads) {}
    void event(const char* category, const char* text) override;

private:
    void put_text(const char* text);
    void put(std::uint8_t byte);

    hal::EventLog& inner_;
    hal::ConsolePort& pads_;
    std::uint8_t line_[kLineMax];
    std::size_t len_ = 0;
};

}  // namespace core
