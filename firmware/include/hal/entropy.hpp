#pragma once
// Seed material for the firmware's DRBG (keys, RSA blinding). Each backend says how strong
// it is: getrandom on the virtual device, the RNG peripheral on the STM32F205 boards, and a
// weak, test-only seed from the host on QEMU, which does not model the RNG.
#include <cstddef>
#include <cstdint>

namespace hal {

class Entropy {
public:
    virtual ~Entropy() = default;
    // Fills all `len` bytes, or returns false (source failed; the caller must not go on).
    virtual bool fill(std::uint8_t* out, std::size_t len) = 0;
};

}  // namespace hal
