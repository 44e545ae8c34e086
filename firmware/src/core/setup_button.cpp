#include "core/setup_button.hpp"

namespace core {
namespace button {

// §8.2, in the order of HoldTimes' fields.
const HoldTimes kHolds = {3000, 3000, 8000, 10000, 30, 500, 1000, 5};

void SetupButton::tick(bool pin_pressed, std::uint32_t now_ms) {
    switch (debounce_.tick(pin_pressed)) {
    case Edge::press: press(now_ms, actions_.listening()); break;
    case Edge::release: release(now_ms); break;
    case Edge::none: break;
    }

    // The SysTick chain: the first row whose guard holds acts, the others wait a tick.
    if (actions_.updating()) return;  // only the update watchdog runs during an update
    const std::uint32_t held = debounce_.held_ms();
    const bool listening = actions_.listening();
    if (listening && held >= kHolds.clear_credentials && !creds_cleared_) {
        creds_cleared_ = true;
        actions_.clear_credentials();
    } else if (!listening && held >= kHolds.enter_listening && !was_listening_at_press_) {
        // Device OS ends the press here (the user sees its length, pending clicks finalise)
        // and starts a new one in listening mode: a release 3–8 s later therefore exits
        // listening mode again, the 6–10 s quirk. The new press is made in listening mode
        // whatever L() reads yet, so this row cannot fire twice in one hold.
        release(now_ms);
        actions_.enter_listening();
        press(now_ms, true);
    } else if (click_armed_ && now_ms - click_armed_ms_ > kHolds.click_window) {
        finalize_clicks();
    }
}

void SetupButton::reset() {
    debounce_ = Debounce{};
    press_pending_ = false;
    was_listening_at_press_ = false;
    creds_cleared_ = false;
    click_armed_ = false;
    clicks_ = 0;
}

void SetupButton::press(std::uint32_t now_ms, bool listening) {
    was_listening_at_press_ = listening;
    pressed_ms_ = static_cast<std::uint16_t>(now_ms);
    press_pending_ = true;
    if (!listening) actions_.status(0);
    creds_cleared_ = false;
}

void SetupButton::release(std::uint32_t now_ms) {
    if (!press_pending_) return;
    press_pending_ = false;
    // 16-bit like Device OS: a press longer than 65.5 s reads modulo 65536.
    const auto held = static_cast<std::uint16_t>(static_cast<std::uint16_t>(now_ms) - pressed_ms_);
    if (!actions_.listening()) {
        actions_.status(held);
        click(held, now_ms);
    }
    if (held > kHolds.exit_min && held < kHolds.exit_max && was_listening_at_press_ &&
        actions_.listening())
        actions_.exit_listening();
}

void SetupButton::click(std::uint16_t held_ms, std::uint32_t now_ms) {
    if (held_ms < kHolds.bounce) return;  // a bounce leaves the series as it is
    if (held_ms >= kHolds.long_press) {
        finalize_clicks();  // a long press ends the series without counting
        return;
    }
    ++clicks_;
    actions_.click(clicks_);
    if (clicks_ < kHolds.max_clicks) {
        click_armed_ = true;
        click_armed_ms_ = now_ms;
    } else {
        finalize_clicks();
    }
}

void SetupButton::finalize_clicks() {
    const std::uint8_t clicks = clicks_;
    clicks_ = 0;  // cleared first: final_click() may look at pending_clicks()
    click_armed_ = false;
    if (clicks > 0) actions_.final_click(clicks);
}

}  // namespace button
}  // namespace core
