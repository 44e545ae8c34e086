#include "host_seed_entropy.hpp"

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
    if (seed_len_ == 0) {
        absorb(&state_, host_time());
        absorb(&state_, host_clock());
    }
    for (std::size_t i = 0; i < seed_len_; ++i) absorb(&state_, seed_[i]);
    for (int i = 0; i < 12; ++i) absorb(&state_, device_id_[i]);
    seeded_ = true;
}

bool HostSeedEntropy::fill(std::uint8_t* out, std::size_t len) {
    if (!seeded_) seed();
    std::uint64_t ticks;  // differs between calls and runs, unless a seed was given
    if (seed_len_ == 0 && host_elapsed(&ticks)) absorb(&state_, ticks);
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
