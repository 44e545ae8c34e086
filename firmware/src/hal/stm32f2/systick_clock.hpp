#pragma once
#include "hal/clock.hpp"

namespace stm32f2 {

// 1 kHz SysTick from the 120 MHz core clock (the only timer QEMU models faithfully).
class SysTickClock final : public hal::Clock {
public:
    void start();
    std::uint32_t millis() override;
};

}  // namespace stm32f2
