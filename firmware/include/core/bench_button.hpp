#pragma once
// The bench's finger on the SETUP button of an emulated device: held down or up by the host,
// or scripted (a hold of N ms, a series of clicks) and played on the device's own clock, so
// a 3 s hold is 3 s of device time whatever the host's scheduling.
#include <cstdint>

#include "hal/clock.hpp"
#include "hal/status_ui.hpp"

namespace core {

class BenchButton final : public hal::ModeButton {
public:
    static constexpr std::uint32_t kMaxPressMs = 600000;  // 10 minutes
    static constexpr std::uint32_t kMaxClicks = 20;

    explicit BenchButton(hal::Clock& clock) : clock_(clock) {}
    bool pressed() override;
    void down();
    void up();
    // `count` presses of `press_ms`, `gap_ms` apart, starting now; replaces any script.
    bool script(std::uint32_t count, std::uint32_t press_ms, std::uint32_t gap_ms);
    // A script is still being played.
    bool busy();

private:
    hal::Clock& clock_;
    bool held_ = false;
    std::uint32_t start_ = 0, count_ = 0, press_ms_ = 0, gap_ms_ = 0;
};

}  // namespace core
