#pragma once
#include <cstdint>

namespace hal {

// Milliseconds since boot (SysTick on the boards, CLOCK_MONOTONIC on native).
class Clock {
public:
    virtual ~Clock() = default;
    virtual std::uint32_t millis() = 0;
};

}  // namespace hal
