#pragma once
// The SETUP button held through a reset: the bootloader's hold and decision (spec
// led-and-button.md §9) and its LED feedback (§6), as a table of thresholds run on the 10 ms
// tick. Integer-only, no heap.
#include <cstdint>

#include "core/led_pattern.hpp"

namespace core {
namespace button {

enum class BootChoice : std::uint8_t { normal, safe_mode, dfu, factory_restore };

struct BootDecision {
    BootChoice choice;
    bool reset_settings;  // NVMEM_SPARK_Reset = 1: Wi-Fi profiles cleared at start-up
};

// §9.1 HOLD: the chain of thresholds, first match per tick wins.
enum class BootFlag : std::uint8_t { reset_settings, factory, dfu, safe };
struct BootThreshold {
    BootFlag flag;
    std::uint32_t ms;
    bool strictly_after;  // ">" (6500, 10000) rather than ">=" (1000, 3000)
    std::uint32_t rgb;    // LED colour once armed (§6)
};
extern const BootThreshold kBootThresholds[4];  // in §9.1's evaluation order
constexpr std::uint32_t kBootHoldLimitMs = 12000;

class BootButton {
public:
    // factory_image: a valid factory image exists (none on the emulated devices).
    explicit BootButton(bool factory_image) : factory_image_(factory_image) {}
    // One 10 ms tick of the HOLD loop with the pin's level. False once the loop is over
    // (the button was released, or 12 s passed); further ticks change nothing.
    bool tick(bool pressed);
    bool holding() const;
    std::uint32_t held_ms() const;
    bool armed(BootFlag flag) const;
    // §6: what the LED shows now: colour and blink period (the bootloader toggles every
    // period/2: 100 ms period for factory/reset-settings, 200 ms for safe/DFU); showing() is
    // false while nothing is armed (LED off).
    bool showing() const;
    led::Look look() const;
    // §9.1 DECIDE (valid once tick() returned false).
    BootDecision decide() const;

private:
    bool factory_image_;
    std::uint32_t held_ms_ = 0;
    std::uint32_t rgb_ = 0;     // the colour last set: the LED keeps it
    std::uint8_t armed_ = 0;    // one bit per BootFlag
    bool over_ = false;         // the HOLD loop has ended
};

}  // namespace button
}  // namespace core
