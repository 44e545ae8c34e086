#pragma once
// QEMU netduino2 models no RNG (reads hang or return 0), so this seed comes from the host:
// either the `seed=` boot argument (deterministic: the same seed gives the same key), or
// through semihosting the wall time, QEMU's run time, the host's nanosecond tick count and
// the device id; stretched with SplitMix64 (64 bits of state). WEAK AND TEST-ONLY: anyone
// who knows the seed, or roughly when the emulator started, can reproduce it. Keys made with
// it must never leave a test.
#include "hal/entropy.hpp"

namespace qemu {

class HostSeedEntropy final : public hal::Entropy {
public:
    // A seed of seed_len > 0 bytes replaces the host clocks; both must outlive the object.
    HostSeedEntropy(const std::uint8_t* seed, std::size_t seed_len,
                    const std::uint8_t* device_id)
        : seed_(seed), seed_len_(seed_len), device_id_(device_id) {}
    bool fill(std::uint8_t* out, std::size_t len) override;

private:
    void seed();

    const std::uint8_t* seed_;
    std::size_t seed_len_;
    const std::uint8_t* device_id_;
    bool seeded_ = false;
    std::uint64_t state_ = 0;
};

}  // namespace qemu
