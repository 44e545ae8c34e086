#pragma once
// The STM32F205's true random number generator (RM0033 §20), clocked from PLL48CLK, which
// the Particle bootloader has already started for USB.
#include "hal/entropy.hpp"

namespace stm32f2 {

class RngEntropy final : public hal::Entropy {
public:
    bool fill(std::uint8_t* out, std::size_t len) override;

private:
    bool start();
    bool next_word(std::uint32_t* word);

    bool started_ = false;
    std::uint32_t previous_ = 0;
};

}  // namespace stm32f2
