#pragma once
// The bench's button and LED lines, shared by every emulated device's fixture channel
// (protocol/fixture.md): the commands that move the bench button or reset the device, and
// the event lines that report the LED, the button and the system's mode with device
// timestamps. Fixed buffers, no heap.
#include <cstdint>

#include "core/bench_button.hpp"
#include "core/led_pattern.hpp"
#include "core/reply_buffer.hpp"
#include "core/status_led.hpp"
#include "hal/clock.hpp"
#include "hal/console_port.hpp"
#include "hal/status_ui.hpp"

namespace core {
namespace bench {

// A decimal number that fills `text` exactly, within 0..max.
bool parse_decimal(const char* text, std::uint32_t max, std::uint32_t* out);

// "BTN" arguments: DOWN, UP, PRESS <ms>, CLICKS <n> <press_ms> <gap_ms>.
// nullptr when carried out, else the error ("bad argument").
const char* button_command(const char* args, BenchButton& button);
// "RESET" arguments: none, or HOLD <ms> (the button held from the reset for ms).
const char* reset_command(const char* args, std::uint32_t* hold_ms);

// What the system reports beyond the LED: the button's events and the mode it is in.
class UiReport {
public:
    virtual ~UiReport() = default;
    // press, release, click <n>, final <n>, status <ms>
    virtual void button(const char* event, std::uint32_t value) = 0;
    // booting, bootloader, dfu, listening, normal, safe, off
    virtual void mode(const char* name) = 0;
};

// Writes the event lines to `out`, stamped with `clock`:
//   @LED <ms> <r> <g> <b>                   compare values 0..10000 at each change
//   @LOOK <ms> <name> <rrggbb> <pattern> <period>
//   @BTN <ms> <event> <value>
//   @MODE <ms> <name>
class EventLines final : public hal::RgbLed, public led::LedWatcher, public UiReport {
public:
    EventLines(hal::Clock& clock, hal::ConsolePort& out) : clock_(clock), out_(out) {}
    void drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) override;
    void showing(const char* name, const led::Look& look) override;
    void button(const char* event, std::uint32_t value) override;
    void mode(const char* name) override;

private:
    using Line = FixedText<96>;  // the longest, @LOOK, has about 60 characters
    void begin(Line& text, const char* kind);
    void finish(Line& text);
    hal::Clock& clock_;
    hal::ConsolePort& out_;
};

}  // namespace bench
}  // namespace core
