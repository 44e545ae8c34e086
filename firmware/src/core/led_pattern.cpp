#include "core/led_pattern.hpp"

namespace core {
namespace led {
namespace {

// §2 named speeds (slow, normal, fast) per pattern.
struct SpeedRow {
    Pattern pattern;
    std::uint16_t period[3];
};
constexpr SpeedRow kSpeeds[] = {
    {Pattern::blink, {500, 200, 100}},
    {Pattern::breathe, {8000, 4000, 1000}},
};

// §7: the SOS letters and the code as runs of equal blinks, each followed by a gap.
struct Run {
    std::uint16_t on, off;
    std::uint8_t count;  // 0: the panic code
    std::uint16_t gap;
};
constexpr Run kSos[] = {
    {150, 100, 3, 100},  // S
    {300, 100, 3, 100},  // O
    {150, 100, 3, 900},  // S
    {300, 300, 0, 800},  // code × blink
};

constexpr const char* kPanicNames[] = {
    "HardFault",   "NMIFault",         "MemManage",   "BusFault",        "UsageFault",
    "InvalidLenth", "Exit",            "OutOfHeap",   "SPIOverRun",      "AssertionFailure",
    "InvalidCase", "PureVirtualCall",  "StackOverflow", "HeapError",
};

std::uint16_t scale_by(std::uint16_t ccr, std::uint32_t num, std::uint32_t den) {
    return static_cast<std::uint16_t>(ccr * num / den);
}

}  // namespace

std::uint16_t period_ms(Pattern pattern, Speed speed) {
    for (const SpeedRow& row : kSpeeds)
        if (row.pattern == pattern) return row.period[static_cast<std::uint8_t>(speed)];
    return 0;
}

std::uint16_t scale_channel(std::uint8_t c8, std::uint8_t brightness) {
    return static_cast<std::uint16_t>((std::uint32_t{c8} * brightness * kPwmMax) >> 16);
}

Pwm scale_color(std::uint32_t rgb, std::uint8_t brightness) {
    return {scale_channel(static_cast<std::uint8_t>(rgb >> 16), brightness),
            scale_channel(static_cast<std::uint8_t>(rgb >> 8), brightness),
            scale_channel(static_cast<std::uint8_t>(rgb), brightness)};
}

std::uint8_t reported_channel(std::uint16_t ccr) {
    const std::uint32_t v = (std::uint32_t{ccr} << 8) / kPwmMax;
    return static_cast<std::uint8_t>(v > 255 ? 255 : v);
}

Pwm shape(Pattern pattern, std::uint16_t period, Pwm full, std::uint32_t t_ms) {
    if (pattern == Pattern::solid || period == 0) return full;
    const std::uint32_t t = t_ms % period;
    const std::uint32_t h = period / 2u;
    if (pattern == Pattern::blink) return t < h ? full : Pwm{0, 0, 0};
    // §2 breathe: a linear triangle, full at 0, 0 at P/2, full again at P.
    if (h == 0) return full;
    const std::uint32_t num = t < h ? h - t : t - h;
    return {scale_by(full.r, num, h), scale_by(full.g, num, h), scale_by(full.b, num, h)};
}

Pwm PatternEngine::render(const Look& look, std::uint8_t brightness, std::uint32_t t_ms) {
    const std::uint32_t t = t_ms - t_ms % kUpdatePeriodMs;
    return shape(look.pattern, look.period_ms, scale_color(look.rgb, brightness), t);
}

void PatternEngine::show(const Look& look, std::uint32_t now_ms) {
    const bool restart = !showing_ || look.pattern != look_.pattern ||
                         look.period_ms != look_.period_ms;
    look_ = look;
    showing_ = true;
    if (restart) phase_start_ = now_ms;
}

std::uint32_t PatternEngine::phase_ms(std::uint32_t now_ms) const {
    const std::uint32_t t = now_ms - phase_start_;
    return t - t % kUpdatePeriodMs;
}

Pwm PatternEngine::output(std::uint32_t now_ms) const {
    if (!showing_) return {0, 0, 0};
    return render(look_, brightness_, now_ms - phase_start_);
}

const char* panic_name(std::uint8_t code) {
    if (code < 1 || code > sizeof kPanicNames / sizeof kPanicNames[0]) return nullptr;
    return kPanicNames[code - 1];
}

std::uint32_t SosPattern::cycle_ms() const {
    std::uint32_t total = 0;
    for (const Run& run : kSos) {
        const std::uint32_t n = run.count ? run.count : code_;
        total += n * (run.on + run.off) + run.gap;
    }
    return total;
}

bool SosPattern::done(std::uint32_t t_ms) const {
    return cycles_ != 0 && t_ms / cycle_ms() >= cycles_;
}

bool SosPattern::lit(std::uint32_t t_ms) const {
    if (done(t_ms)) return false;
    std::uint32_t t = t_ms % cycle_ms();
    for (const Run& run : kSos) {
        const std::uint32_t n = run.count ? run.count : code_;
        for (std::uint32_t i = 0; i < n; ++i) {
            if (t < run.on) return true;
            t -= run.on;
            if (t < run.off) return false;
            t -= run.off;
        }
        if (t < run.gap) return false;
        t -= run.gap;
    }
    return false;
}

Pwm SosPattern::output(std::uint32_t t_ms) const {
    return lit(t_ms) ? scale_color(0xFF0000, kDefaultBrightness) : Pwm{0, 0, 0};
}

}  // namespace led
}  // namespace core
