#pragma once
// Where replies are written: the serial console, or a SoftAP reply buffer. Strings, hex and
// decimals without printf or heap.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace core {

class TextOutput {
public:
    virtual ~TextOutput() = default;
    virtual void bytes(const void* p, std::size_t n) = 0;

    void text(const char* s) { bytes(s, std::strlen(s)); }
    void byte(std::uint8_t b) { bytes(&b, 1); }
    // Lower case by default, like Device OS's bytes2hex; SoftAP's device-id is upper case.
    void hex(const std::uint8_t* p, std::size_t n, char separator = '\0', bool upper = false);
    void decimal(std::uint32_t v);
    void signed_decimal(std::int32_t v);
};

}  // namespace core
