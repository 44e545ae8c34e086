#include "core/text_output.hpp"

namespace core {

void TextOutput::hex(const std::uint8_t* p, std::size_t n, char separator, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        if (i && separator) byte(static_cast<std::uint8_t>(separator));
        const char pair[2] = {digits[p[i] >> 4], digits[p[i] & 0xF]};
        bytes(pair, 2);
    }
}

void TextOutput::decimal(std::uint32_t v) {
    char buf[10];
    std::size_t i = sizeof buf;
    do buf[--i] = static_cast<char>('0' + v % 10);
    while ((v /= 10) != 0);
    bytes(buf + i, sizeof buf - i);
}

void TextOutput::signed_decimal(std::int32_t v) {
    if (v < 0) {
        byte('-');
        decimal(0u - static_cast<std::uint32_t>(v));  // INT32_MIN has no positive twin
    } else {
        decimal(static_cast<std::uint32_t>(v));
    }
}

}  // namespace core
