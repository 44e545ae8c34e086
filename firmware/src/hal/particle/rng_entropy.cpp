#include "rng_entropy.hpp"

#include "../stm32f2/registers.hpp"

namespace stm32f2 {
namespace {

struct RngRegs {
    volatile std::uint32_t CR, SR, DR;
};
RngRegs* const RNG = reinterpret_cast<RngRegs*>(0x50060800u);
constexpr std::uint32_t kRccAhb2enr = 0x40023834u, kRccAhb2RngEn = 1u << 6;
constexpr std::uint32_t kRngEn = 1u << 2;
constexpr std::uint32_t kDrdy = 1u << 0, kCecs = 1u << 1, kSecs = 1u << 2;
constexpr std::uint32_t kCeis = 1u << 5, kSeis = 1u << 6;
// A word is ready every 40 PLL48 cycles; this bound only stops a dead clock hanging us.
constexpr unsigned kReadySpins = 100000;

}  // namespace

bool RngEntropy::start() {
    reg<kRccAhb2enr>() |= kRccAhb2RngEn;
    const std::uint32_t enabled = reg<kRccAhb2enr>();  // read back: the clock is on before
    (void)enabled;                                     // the first RNG access
    RNG->CR = 0;
    RNG->SR = 0;  // clears the CEIS/SEIS interrupt flags
    RNG->CR = kRngEn;
    // RM0033: the first word after enabling is not used, only kept for the continuous test.
    started_ = next_word(&previous_);
    return started_;
}

bool RngEntropy::next_word(std::uint32_t* word) {
    bool restarted = false;
    for (unsigned spin = 0; spin < kReadySpins; ++spin) {
        const std::uint32_t sr = RNG->SR;
        if (sr & kSecs) {
            // Seed error: the analog source stuck. RM0033: clear SEIS and restart the
            // generator; what it produced around the fault is not used.
            RNG->SR = ~kSeis;
            RNG->CR = 0;
            RNG->CR = kRngEn;
            restarted = true;
            continue;
        }
        if (sr & kCecs) continue;  // PLL48CLK too slow: no valid data until it recovers
        if (sr & kCeis) RNG->SR = ~kCeis;
        if (!(sr & kDrdy)) continue;
        const std::uint32_t value = RNG->DR;
        if (restarted) {  // the first word after a restart is only kept for comparison
            previous_ = value;
            restarted = false;
            continue;
        }
        *word = value;
        return true;
    }
    return false;
}

bool RngEntropy::fill(std::uint8_t* out, std::size_t len) {
    if (!started_ && !start()) return false;
    while (len > 0) {
        std::uint32_t word;
        if (!next_word(&word)) return false;
        // FIPS 140-2 continuous test (RM0033 §20.3.2): two equal words mean a broken source.
        if (word == previous_) return false;
        previous_ = word;
        for (int i = 0; i < 4 && len > 0; ++i, --len) {
            *out++ = static_cast<std::uint8_t>(word);
            word >>= 8;
        }
    }
    return true;
}

}  // namespace stm32f2
