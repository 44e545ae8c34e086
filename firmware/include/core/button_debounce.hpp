#pragma once
// The SETUP button's debounce layer (spec led-and-button.md §8.1), run on the 10 ms UI tick.
// The board samples the pin once per tick; a pressed pin seen while idle stands in for the
// EXTI falling edge. Integer-only, no heap.
#include <cstdint>

namespace core {
namespace button {

constexpr std::uint32_t kTickMs = 10;  // UI_TIMER_FREQUENCY 100 Hz

enum class Edge : std::uint8_t { none, press, release };

class Debounce {
public:
    // One tick with the pin's level (true = pressed). PRESS on the first tick of a press
    // (debounce_time then reads 20 ms and grows 10 ms per tick), RELEASE on the first tick
    // the pin reads released while active.
    Edge tick(bool pressed);
    bool active() const { return active_; }
    // Device OS's debounce_time: 0 while idle; HeldFor(T) is held_ms() >= T.
    std::uint32_t held_ms() const { return held_ms_; }

private:
    bool active_ = false;
    std::uint32_t held_ms_ = 0;
};

}  // namespace button
}  // namespace core
