#include "core/boot_button.hpp"

#include "core/button_debounce.hpp"

namespace core {
namespace button {
namespace {

// §6 toggle rates in the order the bootloader checks them each ms: the first armed flag sets
// the blink period, whatever colour was set last.
struct BlinkRate {
    BootFlag flag;
    led::Speed speed;
};
constexpr BlinkRate kBlinkRates[] = {
    {BootFlag::reset_settings, led::Speed::fast},  // 50 ms toggle: 100 ms period
    {BootFlag::factory, led::Speed::fast},
    {BootFlag::safe, led::Speed::normal},  // 100 ms toggle: 200 ms period
    {BootFlag::dfu, led::Speed::normal},
};

constexpr std::uint8_t bit(BootFlag flag) {
    return static_cast<std::uint8_t>(1u << static_cast<std::uint8_t>(flag));
}

bool reached(const BootThreshold& row, std::uint32_t held_ms) {
    return row.strictly_after ? held_ms > row.ms : held_ms >= row.ms;
}

}  // namespace

// §9.1 HOLD chain, colours from §6 (the default theme: DCT theme overrides are not read).
const BootThreshold kBootThresholds[4] = {
    {BootFlag::reset_settings, 10000, true, 0xFFFFFF},  // white
    {BootFlag::factory, 6500, true, 0x00FF00},          // green
    {BootFlag::dfu, 3000, false, 0xFFFF00},             // yellow
    {BootFlag::safe, 1000, false, 0xFF00FF},            // magenta
};

bool BootButton::tick(bool pressed) {
    if (over_) return false;
    if (!pressed) {
        over_ = true;
        return false;
    }
    held_ms_ += kTickMs;
    for (const BootThreshold& row : kBootThresholds) {
        if (armed(row.flag) || !reached(row, held_ms_)) continue;
        // Without a factory image the factory row still matches and does nothing, so the
        // rows below it are not evaluated on that tick.
        if (row.flag != BootFlag::factory || factory_image_) {
            armed_ |= bit(row.flag);
            rgb_ = row.rgb;
        }
        break;
    }
    if (held_ms_ >= kBootHoldLimitMs) over_ = true;
    return !over_;
}

bool BootButton::holding() const { return !over_; }

std::uint32_t BootButton::held_ms() const { return held_ms_; }

bool BootButton::armed(BootFlag flag) const { return (armed_ & bit(flag)) != 0; }

bool BootButton::showing() const { return armed_ != 0; }

led::Look BootButton::look() const {
    for (const BlinkRate& rate : kBlinkRates)
        if (armed(rate.flag))
            return {rgb_, led::Pattern::blink, led::period_ms(led::Pattern::blink, rate.speed)};
    return {0, led::Pattern::solid, 0};  // nothing armed: the LED stays off
}

BootDecision BootButton::decide() const {
    const bool reset_settings = armed(BootFlag::reset_settings);
    // RESET_SETTINGS cancels DFU and safe mode; a factory restore wins over both.
    BootChoice choice = BootChoice::normal;
    if (armed(BootFlag::factory))
        choice = BootChoice::factory_restore;
    else if (reset_settings)
        choice = BootChoice::normal;
    else if (armed(BootFlag::dfu))
        choice = BootChoice::dfu;
    else if (armed(BootFlag::safe))
        choice = BootChoice::safe_mode;  // StartupMode = 1 read by the system at boot
    return {choice, reset_settings};
}

}  // namespace button
}  // namespace core
