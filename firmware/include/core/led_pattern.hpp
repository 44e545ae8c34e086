#pragma once
// The RGB status LED's pattern engine as data (spec led-and-button.md §1.1, §2, §7): 24-bit
// colours scaled to TIM2 compare values, the pattern shapes (solid, blink, breathe) sampled
// on the LED service's 25 ms update tick, and the panic SOS sequence. Integer-only, no heap.
#include <cstdint>

namespace core {
namespace led {

constexpr std::uint16_t kPwmMax = 10000;         // §1: compare range, TIM2 ARR + 1
constexpr std::uint8_t kDefaultBrightness = 96;  // §1.1
constexpr std::uint16_t kUpdatePeriodMs = 25;    // §2: the service is updated every 25 ms

// Values are the theme nibble (§4). "Fast blink" is blink at the fast period (100 ms).
enum class Pattern : std::uint8_t { solid = 1, blink = 2, breathe = 3 };
enum class Speed : std::uint8_t { slow = 0, normal = 1, fast = 2 };

// Per-channel compare values, 0..kPwmMax (what the LED is driven with).
struct Pwm {
    std::uint16_t r, g, b;
    bool operator==(const Pwm& o) const { return r == o.r && g == o.g && b == o.b; }
    bool operator!=(const Pwm& o) const { return !(*this == o); }
};

// What a status asks the LED to do.
struct Look {
    std::uint32_t rgb;  // 0xRRGGBB
    Pattern pattern;
    std::uint16_t period_ms;  // ignored for solid
};

// §2 named speeds; 0 for solid.
std::uint16_t period_ms(Pattern pattern, Speed speed);
// §1.1: (c8 × brightness × 10000) >> 16.
std::uint16_t scale_channel(std::uint8_t c8, std::uint8_t brightness);
Pwm scale_color(std::uint32_t rgb, std::uint8_t brightness);
// §1.1: what an RGB change observer sees for a compare value: (ccr << 8) / 10000
// (at most 254 from scale_channel; a full-scale 10000 is clamped to 255).
std::uint8_t reported_channel(std::uint16_t ccr);

// The pattern's shape applied to an already scaled colour at phase t (ms since the pattern
// started, taken as is; callers quantise). A blink/breathe with period 0 shows solid.
Pwm shape(Pattern pattern, std::uint16_t period_ms, Pwm full, std::uint32_t t_ms);

// The LED service's view: one look at a time, a brightness, a phase that restarts only when
// the pattern or the period changes (§2 "Phase"); output sampled on the 25 ms tick grid
// counted from the phase start.
class PatternEngine {
public:
    void set_brightness(std::uint8_t brightness) { brightness_ = brightness; }
    std::uint8_t brightness() const { return brightness_; }
    void show(const Look& look, std::uint32_t now_ms);
    bool showing() const { return showing_; }
    const Look& look() const { return look_; }
    // Phase of the pattern at now, quantised down to the update tick.
    std::uint32_t phase_ms(std::uint32_t now_ms) const;
    // All channels 0 before the first show (the service never blanks the LED afterwards).
    Pwm output(std::uint32_t now_ms) const;
    // Pure form: look at brightness, t ms after the phase started (quantised to 25 ms).
    static Pwm render(const Look& look, std::uint8_t brightness, std::uint32_t t_ms);

private:
    Look look_{0, Pattern::solid, 0};
    std::uint32_t phase_start_ = 0;
    std::uint8_t brightness_ = kDefaultBrightness;
    bool showing_ = false;
};

// §7 panic codes (the N red blinks after SOS).
enum class PanicCode : std::uint8_t {
    hard_fault = 1, nmi_fault, mem_manage, bus_fault, usage_fault, invalid_length, exit,
    out_of_heap, spi_over_run, assertion_failure, invalid_case, pure_virtual_call,
    stack_overflow, heap_error,
};
// Device OS's name for the code ("InvalidLenth" keeps its spelling); nullptr if unknown.
const char* panic_name(std::uint8_t code);

// §7 SOS: red at brightness 96, driven directly (no 25 ms tick). One cycle is
// S O S, 900 ms off, code × (300 on, 300 off), 800 ms off: 4600 + 600 × code ms.
class SosPattern {
public:
    // cycles: 2 for release builds and the Electron (then reset), 0 = forever (debug).
    explicit SosPattern(std::uint8_t code, std::uint8_t cycles = 2) : code_(code), cycles_(cycles) {}
    std::uint32_t cycle_ms() const;
    bool done(std::uint32_t t_ms) const;  // the cycles have run: the device resets
    bool lit(std::uint32_t t_ms) const;
    Pwm output(std::uint32_t t_ms) const;

private:
    std::uint8_t code_;
    std::uint8_t cycles_;
};

}  // namespace led
}  // namespace core
