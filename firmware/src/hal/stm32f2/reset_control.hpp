#pragma once
// Reset through the SCB, with the requested boot mode and the listen-on-startup flag kept in
// RAM that start-up does not clear (.noinit survives a system reset on the STM32F2).
#include "hal/system_control.hpp"

namespace stm32f2 {

class ResetControl final : public hal::SystemControl {
public:
    // The mode requested before the last reset (normal after power-up).
    hal::BootMode boot_mode();
    void reset(hal::BootMode next) override;
    std::uint32_t listen_flag_register() override;
    void set_listen_flag_register(std::uint32_t value) override;
};

}  // namespace stm32f2
