#pragma once
// The DCT sectors 1 and 2 (0x08004000, 0x08008000) of the STM32F205's internal flash,
// erased and programmed through the flash interface (RM0033 §3).
#include "hal/storage.hpp"

namespace stm32f2 {

class InternalFlashStorage final : public hal::Storage {
public:
    bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) override;
    bool erase(int sector) override;
    bool program(int sector, std::size_t offset, const std::uint8_t* src,
                 std::size_t len) override;
};

}  // namespace stm32f2
