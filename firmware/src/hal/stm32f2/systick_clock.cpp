#include "systick_clock.hpp"

#include "registers.hpp"

namespace {
volatile std::uint32_t g_millis = 0;
}

extern "C" void SysTick_Handler() { g_millis = g_millis + 1; }

namespace stm32f2 {

void SysTickClock::start() {
    SYSTICK->LOAD = 120000000u / 1000u - 1u;
    SYSTICK->VAL = 0;
    SYSTICK->CTRL = 0x7;  // core clock, interrupt, enable
}

std::uint32_t SysTickClock::millis() { return g_millis; }

}  // namespace stm32f2
