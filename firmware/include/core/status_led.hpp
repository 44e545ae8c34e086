#pragma once
// The LED service (spec led-and-button.md §2, §3, §5): the system signals queued by priority,
// the custom indications of §5 (step sequences such as the credential-clearing flicker), and
// a direct mode for the bootloader, SOS and power-off. Updated on the 25 ms tick; every change
// of the compare values goes to the LED, every change of what is shown to the watcher.
#include <cstddef>
#include <cstdint>

#include "core/led_pattern.hpp"
#include "core/led_signals.hpp"
#include "hal/status_ui.hpp"

namespace core {
namespace led {

// One step of a custom indication: a colour held for a time.
struct Step {
    std::uint32_t rgb;
    std::uint16_t ms;
};

// A §5 indication: `total` steps played, cycling through `steps` (0 = until stopped).
struct Sequence {
    const char* name;
    const Step* steps;
    std::uint8_t count;
    std::uint8_t total;
    Level level;
};

// §5: listening colour toggled 25 times every 50 ms; red the same way if clearing failed.
extern const Sequence kClearingCredentials;
extern const Sequence kClearingFailed;

// What the LED shows, for observers: the source's name and its look (a sequence is
// reported as solid in its first lit colour).
class LedWatcher {
public:
    virtual ~LedWatcher() = default;
    virtual void showing(const char* name, const Look& look) = 0;
};

class StatusLed {
public:
    static constexpr std::size_t kMaxSteps = 16;

    StatusLed(hal::RgbLed* led, LedWatcher* watcher) : led_(led), watcher_(watcher) {}

    // Queue or drop a system signal (§3 priorities and tie rule).
    void signal(Signal signal, bool on);
    bool signalled(Signal signal) const { return arbiter_.active(static_cast<std::uint8_t>(signal)); }
    // Play a custom indication over the signals at its level (one at a time; a new one
    // replaces the running one).
    void play(const Sequence& sequence, std::uint32_t now_ms);
    // RSSI bars (§5, Electron single click): 750 ms dim green, bars × (50 ms green, 350 ms
    // dim green) with the last dim step 750 ms.
    void play_rssi(std::uint8_t bars, std::uint32_t now_ms);
    bool playing() const { return sequence_.count != 0; }
    // Direct drive, bypassing the service (bootloader, power off): a look, or off.
    void take_over(const char* name, const Look& look, std::uint32_t now_ms);
    void turn_off(std::uint32_t now_ms);
    void release(std::uint32_t now_ms);
    bool taken_over() const { return direct_; }
    // Forget every signal and indication (a reset); the LED keeps its output until the
    // next update.
    void clear();

    // The 25 ms update; call at least that often (extra calls between ticks do nothing).
    void update(std::uint32_t now_ms);
    Pwm output() const { return last_; }
    // When the next 25 ms update is due.
    std::uint32_t next_tick() const { return next_tick_; }
    // Tell the watcher and the LED again what is shown now (a new observer arrived).
    void announce();

private:
    void show(const char* name, const Look& look, std::uint32_t now_ms);
    bool sequence_step(std::uint32_t now_ms, std::uint32_t* rgb);
    std::uint32_t sequence_colour() const;
    void emit(const Pwm& pwm);

    hal::RgbLed* led_;
    LedWatcher* watcher_;
    StatusArbiter arbiter_;
    PatternEngine engine_;
    Step steps_[kMaxSteps] = {};
    Sequence sequence_{nullptr, steps_, 0, 0, Level::none};
    std::uint32_t sequence_start_ = 0;
    bool direct_ = false;
    bool dark_ = false;  // direct and off
    const char* shown_name_ = nullptr;
    Look shown_look_{0, Pattern::solid, 0};
    Pwm last_{0, 0, 0};
    bool emitted_ = false;
    std::uint32_t next_tick_ = 0;
};

}  // namespace led
}  // namespace core
