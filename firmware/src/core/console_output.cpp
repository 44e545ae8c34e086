#include "core/console_output.hpp"

namespace core {

void ConsoleOutput::hex(const std::uint8_t* p, std::size_t n, char separator) {
    static const char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        if (i && separator) byte(static_cast<std::uint8_t>(separator));
        const char pair[2] = {digits[p[i] >> 4], digits[p[i] & 0xF]};
        bytes(pair, 2);
    }
}

void ConsoleOutput::decimal(std::uint32_t v) {
    char buf[10];
    std::size_t i = sizeof buf;
    do buf[--i] = static_cast<char>('0' + v % 10);
    while ((v /= 10) != 0);
    bytes(buf + i, sizeof buf - i);
}

}  // namespace core
