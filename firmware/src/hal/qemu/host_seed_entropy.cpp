#include "host_seed_entropy.hpp"

#include "../stm32f2/registers.hpp"
#include "semihosting.hpp"

namespace qemu {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): every call advances the state and mixes it fully.
std::uint64_t next(std::uint64_t* state) {
    std::uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void absorb(std::uint64_t* state, std::uint64_t value) {
    *state ^= value;
    *state = next(state);
}

}  // namespace

void HostSeedEntropy::seed() {
    absorb(&state_, host_time());
    absorb(&state_, host_clock());
    const auto* uid = reinterpret_cast<const volatile std::uint32_t*>(stm32f2::kUid);
    for (int i = 0; i < 3; ++i) absorb(&state_, uid[i]);  // the device id (0 unless set)
    seeded_ = true;
}

bool HostSeedEntropy::fill(std::uint8_t* out, std::size_t len) {
    if (!seeded_) seed();
    std::uint64_t ticks;
    if (host_elapsed(&ticks)) absorb(&state_, ticks);  // differs between calls and runs
    while (len > 0) {
        std::uint64_t word = next(&state_);
        for (int i = 0; i < 8 && len > 0; ++i, --len) {
            *out++ = static_cast<std::uint8_t>(word);
            word >>= 8;
        }
    }
    return true;
}

}  // namespace qemu
