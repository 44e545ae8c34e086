#pragma once
// Text output to the console port: strings, hex (lower case like Device OS's bytes2hex) and
// decimals, without printf or heap.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hal/console_port.hpp"

namespace core {

class ConsoleOutput {
public:
    explicit ConsoleOutput(hal::ConsolePort& port) : port_(port) {}

    void text(const char* s) { bytes(s, std::strlen(s)); }
    void bytes(const void* p, std::size_t n) {
        port_.write(static_cast<const std::uint8_t*>(p), n);
    }
    void byte(std::uint8_t b) { port_.write(&b, 1); }
    void hex(const std::uint8_t* p, std::size_t n, char separator = '\0');
    void decimal(std::uint32_t v);

private:
    hal::ConsolePort& port_;
};

}  // namespace core
