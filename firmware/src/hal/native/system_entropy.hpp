#pragma once
// The virtual device's entropy: the kernel's CSPRNG through getrandom(2).
#include "hal/entropy.hpp"

namespace native {

class SystemEntropy final : public hal::Entropy {
public:
    bool fill(std::uint8_t* out, std::size_t len) override;
};

}  // namespace native
