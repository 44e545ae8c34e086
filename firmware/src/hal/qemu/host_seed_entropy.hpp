#pragma once
// QEMU netduino2 models no RNG (reads hang or return 0), so this seed comes from the host
// through semihosting: wall time, QEMU's run time, the host's nanosecond tick count and the
// device id, stretched with SplitMix64. WEAK AND TEST-ONLY: anyone who knows roughly when
// the emulator started can reproduce it. Keys made with it must never leave a test.
#include "hal/entropy.hpp"

namespace qemu {

class HostSeedEntropy final : public hal::Entropy {
public:
    bool fill(std::uint8_t* out, std::size_t len) override;

private:
    void seed();

    bool seeded_ = false;
    std::uint64_t state_ = 0;
};

}  // namespace qemu
