#include "core/bench_button.hpp"

namespace core {

bool BenchButton::pressed() {
    if (!busy()) return held_;
    const std::uint32_t t = clock_.millis() - start_;
    return t % (press_ms_ + gap_ms_) < press_ms_;
}

void BenchButton::down() {
    count_ = 0;
    held_ = true;
}

void BenchButton::up() {
    count_ = 0;
    held_ = false;
}

bool BenchButton::script(std::uint32_t count, std::uint32_t press_ms, std::uint32_t gap_ms) {
    if (count == 0 || count > kMaxClicks || press_ms == 0 || press_ms > kMaxPressMs ||
        gap_ms > kMaxPressMs)
        return false;
    held_ = false;
    start_ = clock_.millis();
    count_ = count;
    press_ms_ = press_ms;
    gap_ms_ = gap_ms ? gap_ms : 1;
    return true;
}

bool BenchButton::busy() {
    if (count_ == 0) return false;
    const std::uint32_t t = clock_.millis() - start_;
    // The last press ends the script; its gap is not waited for.
    if (t >= (count_ - 1) * (press_ms_ + gap_ms_) + press_ms_) count_ = 0;
    return count_ != 0;
}

}  // namespace core
