#pragma once
// The SETUP button at runtime as a state machine on the 10 ms UI tick (spec
// led-and-button.md §8.2): clicks and click series, the 3 s hold that enters listening mode,
// and in listening mode the release that exits it (3–8 s) and the 10 s hold that clears the
// network credentials, with Device OS's user-visible quirks (a 6–10 s hold enters listening
// mode and leaves it again on release). The thresholds are the table kHolds; integer-only.
#include <cstdint>

#include "core/button_debounce.hpp"

namespace core {
namespace button {

// What the button does to the system, and what it reports.
class ButtonActions {
public:
    virtual ~ButtonActions() = default;
    virtual bool listening() = 0;  // L(): listening mode is active
    virtual bool updating() = 0;   // a firmware update runs: holds are ignored
    virtual void enter_listening() = 0;
    virtual void exit_listening() = 0;
    virtual void clear_credentials() = 0;
    // button_status(d): 0 at a press outside listening mode, the press length at its release.
    virtual void status(std::uint32_t held_ms) { (void)held_ms; }
    virtual void click(std::uint8_t clicks) { (void)clicks; }  // button_click(n)
    virtual void final_click(std::uint8_t clicks) = 0;         // button_final_click(n)
};

// §8.2 timing constants as one table (all ms).
struct HoldTimes {
    std::uint32_t enter_listening;      // 3000: HeldFor, outside listening mode
    std::uint32_t exit_min, exit_max;   // 3000 < d < 8000 at release: exit listening mode
    std::uint32_t clear_credentials;    // 10000: HeldFor, in listening mode
    std::uint32_t bounce;               // < 30: not a click
    std::uint32_t long_press;           // >= 500: finalises pending clicks, not counted
    std::uint32_t click_window;         // 1000: next click must come within this
    std::uint8_t max_clicks;            // 5: finalised at once
};
extern const HoldTimes kHolds;

class SetupButton {
public:
    explicit SetupButton(ButtonActions& actions) : actions_(actions) {}
    // One 10 ms tick: the pin's level and the clock. Runs the debounce layer, its PRESS or
    // RELEASE, then the SysTick checks (holds, click deadline) in §8.2's order.
    void tick(bool pin_pressed, std::uint32_t now_ms);
    // Forget any press and click series (a reset, or the button handed to the bootloader).
    void reset();
    const Debounce& debounce() const { return debounce_; }
    std::uint8_t pending_clicks() const { return clicks_; }

private:
    void press(std::uint32_t now_ms, bool listening);
    void release(std::uint32_t now_ms);
    void click(std::uint16_t held_ms, std::uint32_t now_ms);
    void finalize_clicks();

    ButtonActions& actions_;
    Debounce debounce_;
    std::uint32_t click_armed_ms_ = 0;  // when the click window opened
    std::uint16_t pressed_ms_ = 0;      // low 16 bits of the clock at PRESS, as Device OS
    // A press awaits its release. Device OS tests pressed_ms != 0 and so loses the release of
    // a press made at a multiple of 65536 ms.
    bool press_pending_ = false;
    bool was_listening_at_press_ = false;
    bool creds_cleared_ = false;  // once per press
    bool click_armed_ = false;    // the click deadline runs (Device OS: duration != 0)
    std::uint8_t clicks_ = 0;
};

}  // namespace button
}  // namespace core
