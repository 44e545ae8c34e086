#pragma once
// What every harness shares: registration (one program holds them all, its name picks
// one), reading structured choices from the fuzzer's bytes, a check that the core never
// touches the heap while it handles an input, and fakes with fixed buffers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hal/clock.hpp"
#include "hal/console_port.hpp"
#include "hal/entropy.hpp"
#include "hal/event_log.hpp"
#include "hal/storage.hpp"

namespace fuzz {

using RunFn = void (*)(const std::uint8_t* data, std::size_t size);
using InitFn = void (*)();

// Returns true so that a namespace-scope constant can call it (see HARKEN_FUZZ_HARNESS).
bool register_harness(const char* name, InitFn init, RunFn run);

#define HARKEN_FUZZ_HARNESS(name, init, run) \
    static const bool harness_registered_ = ::fuzz::register_harness(name, init, run)

// Lets libFuzzer's crash handler allocate (NoHeap would report it).
void heap_guard_off();

// An invariant of the core broke: report it and abort, so libFuzzer keeps the input.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
    heap_guard_off();
    std::fprintf(stderr, "harken fuzz: invariant broken at %s:%d: %s\n", file, line, what);
    std::abort();
}
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : ::fuzz::fail(#cond, __FILE__, __LINE__))

// While one exists, any malloc aborts: the core has no heap after init. The harness and its
// fakes use fixed buffers, so a report here is the core's (or a library it calls).
class NoHeap {
public:
    NoHeap();
    ~NoHeap();
    NoHeap(const NoHeap&) = delete;
    NoHeap& operator=(const NoHeap&) = delete;
};

// The fuzzer's bytes read as choices; past the end every read yields zeros.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    bool empty() const { return n_ == 0; }
    std::size_t left() const { return n_; }
    std::uint8_t byte() {
        if (!n_) return 0;
        --n_;
        return *p_++;
    }
    std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | byte() << 8); }
    std::uint32_t u32() { return u16() | static_cast<std::uint32_t>(u16()) << 16; }
    // Up to `max` bytes (fewer at the end); returns how many, pointed to by *out.
    std::size_t take(std::size_t max, const std::uint8_t** out) {
        const std::size_t k = max < n_ ? max : n_;
        *out = p_;
        p_ += k;
        n_ -= k;
        return k;
    }
    const std::uint8_t* rest(std::size_t* len) {
        const std::uint8_t* r = p_;
        *len = n_;
        p_ += n_;
        n_ = 0;
        return r;
    }

private:
    const std::uint8_t* p_;
    std::size_t n_;
};

// A byte stream: the harness queues what the host sends, keeps the last bytes written.
class Port final : public hal::ConsolePort {
public:
    static constexpr std::size_t kCapacity = 8192;
    void clear() { head_ = tail_ = written_ = 0; }
    // False when the queue is full (the rest is dropped, as a UART overrun would).
    bool push(const std::uint8_t* data, std::size_t len) {
        for (std::size_t i = 0; i < len; ++i) {
            if (tail_ == kCapacity) return false;
            rx_[tail_++] = data[i];
        }
        return true;
    }
    void compact() {
        std::memmove(rx_, rx_ + head_, tail_ - head_);
        tail_ -= head_;
        head_ = 0;
    }
    std::size_t available() override { return tail_ - head_; }
    int read() override { return head_ < tail_ ? rx_[head_++] : -1; }
    void write(const std::uint8_t* data, std::size_t len) override {
        FUZZ_CHECK(data != nullptr || len == 0);
        for (std::size_t i = 0; i < len; ++i) tx_[(written_ + i) % sizeof tx_] = data[i];
        written_ += len;
    }
    std::size_t written() const { return written_; }

private:
    std::uint8_t rx_[kCapacity];
    std::size_t head_ = 0, tail_ = 0;
    std::uint8_t tx_[1024];
    std::size_t written_ = 0;
};

// Two DCT sectors in RAM. Any access outside a sector is a core bug: abort, not false.
class Flash final : public hal::Storage {
public:
    std::uint8_t cells[kSectorSize * kSectorCount];
    std::size_t ops = 0;
    long long fail_after = -1;   // operations that succeed before the part stops answering

    void reset(std::uint8_t fill) {
        std::memset(cells, fill, sizeof cells);
        ops = 0;
        fail_after = -1;
    }
    bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) override {
        FUZZ_CHECK(in_bounds(sector, offset, len));
        if (!answer()) return false;
        std::memcpy(dst, cells + sector * kSectorSize + offset, len);
        return true;
    }
    bool erase(int sector) override {
        FUZZ_CHECK(in_bounds(sector, 0, kSectorSize));
        if (!answer()) return false;
        std::memset(cells + sector * kSectorSize, 0xFF, kSectorSize);
        return true;
    }
    bool program(int sector, std::size_t offset, const std::uint8_t* src,
                 std::size_t len) override {
        FUZZ_CHECK(in_bounds(sector, offset, len));
        if (!answer()) return false;
        std::uint8_t* d = cells + sector * kSectorSize + offset;
        for (std::size_t i = 0; i < len; ++i) d[i] &= src[i];   // NOR: bits only clear
        return true;
    }

private:
    static bool in_bounds(int sector, std::size_t offset, std::size_t len) {
        return sector >= 0 && sector < kSectorCount && offset <= kSectorSize &&
               len <= kSectorSize - offset;
    }
    bool answer() {
        if (fail_after >= 0 && static_cast<long long>(ops) >= fail_after) return false;
        ++ops;
        return true;
    }
};

class Clock final : public hal::Clock {
public:
    std::uint32_t now = 1000;
    std::uint32_t millis() override { return now; }
};

class Log final : public hal::EventLog {
public:
    void event(const char* category, const char* text) override {
        FUZZ_CHECK(category && text && std::strlen(text) < 4096);
    }
};

// SplitMix64, reseeded per input: every run of an input is the same run.
class Entropy final : public hal::Entropy {
public:
    std::uint64_t state = 0x6861726B656E;
    bool fill(std::uint8_t* out, std::size_t len) override {
        for (std::size_t i = 0; i < len; ++i) {
            std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
            out[i] = static_cast<std::uint8_t>(z ^ (z >> 31));
        }
        return true;
    }
};

// The DER of protocol/softap/crypto-vectors.json (so seeds built from the vectors decrypt);
// nullptr and 0 when the file cannot be read.
const std::uint8_t* vector_key_der(std::size_t* len);

}  // namespace fuzz
