#include "core/test_pads_gate.hpp"

namespace core {
namespace {

constexpr const std::uint8_t* kBytes = TestPadsGate::kPreamble;

// KMP's failure table: fallback[i] is the longest proper prefix of the preamble that is also
// a suffix of its first i + 1 bytes, so a mismatch keeps what may still be a start.
struct Fallback {
    std::uint8_t at[TestPadsGate::kPreambleSize];
};

constexpr Fallback make_fallback() {
    Fallback f{};
    std::uint8_t k = 0;
    for (std::size_t i = 1; i < TestPadsGate::kPreambleSize; ++i) {
        while (k > 0 && kBytes[i] != kBytes[k]) k = f.at[k - 1];
        if (kBytes[i] == kBytes[k]) ++k;
        f.at[i] = k;
    }
    return f;
}

constexpr Fallback kFallback = make_fallback();

}  // namespace

void TestPadsGate::watch(std::uint8_t byte) {
    while (matched_ > 0 && byte != kBytes[matched_]) matched_ = kFallback.at[matched_ - 1];
    if (byte == kBytes[matched_]) ++matched_;
    if (matched_ < kPreambleSize) return;
    matched_ = kFallback.at[kPreambleSize - 1];
    open_ = preamble_ = true;
}

std::size_t TestPadsGate::available() { return pads_ && !open_ ? pads_->available() : 0; }

int TestPadsGate::read() {
    if (!pads_ || open_) return -1;
    const int c = pads_->read();
    if (c < 0) return c;
    watch(static_cast<std::uint8_t>(c));
    return open_ ? -1 : c;
}

void TestPadsGate::write(const std::uint8_t* data, std::size_t len) {
    if (pads_) pads_->write(data, len);
}

int TestPadsGate::next() {
    if (!pads_) return -1;
    const int c = pads_->read();
    if (c >= 0) watch(static_cast<std::uint8_t>(c));
    return c;
}

bool TestPadsGate::take_preamble() {
    const bool seen = preamble_;
    preamble_ = false;
    return seen;
}

void TestPadsGate::reset() {
    matched_ = 0;
    open_ = preamble_ = false;
}

}  // namespace core
