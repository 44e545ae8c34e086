#pragma once
// A SoftAP reply assembled in a fixed buffer before the transport frames it (TCP: "\n\n"
// prefix; HTTP: a chunk). Entries that would not fit are rolled back whole, so a long scan
// list is cut between networks, never inside one.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/text_output.hpp"

namespace core {

template <std::size_t Capacity>
class FixedText final : public TextOutput {
public:
    static constexpr std::size_t kCapacity = Capacity;

    void clear() {
        len_ = 0;
        overflow_ = false;
    }
    void bytes(const void* p, std::size_t n) override {
        if (overflow_ || n > limit_ - len_) {
            overflow_ = true;
            return;
        }
        std::memcpy(data_ + len_, p, n);
        len_ += n;
    }
    // Holds `n` bytes back for the closing of the reply while entries are written.
    void reserve_tail(std::size_t n) { limit_ = kCapacity - n; }
    void release_tail() { limit_ = kCapacity; }
    std::size_t mark() const { return len_; }
    // True when everything since `mark` fitted; otherwise drops it.
    bool keep_since(std::size_t mark) {
        if (!overflow_) return true;
        len_ = mark;
        overflow_ = false;
        return false;
    }

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return len_; }

private:
    std::uint8_t data_[kCapacity];
    std::size_t len_ = 0;
    std::size_t limit_ = kCapacity;
    bool overflow_ = false;
};

// A command's JSON reply: room for a scan list of a few dozen networks.
using ReplyBuffer = FixedText<4096>;

}  // namespace core
