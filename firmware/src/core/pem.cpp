#include "core/pem.hpp"

#include <cstring>

namespace core {
namespace {

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

const char* find(const char* from, const char* end, const char* needle) {
    const std::size_t n = std::strlen(needle);
    for (const char* p = from; p + n <= end; ++p)
        if (std::memcmp(p, needle, n) == 0) return p;
    return nullptr;
}

const char* next_line(const char* p, const char* end) {
    while (p < end && *p != '\n') ++p;
    return p < end ? p + 1 : end;
}

}  // namespace

std::size_t pem_to_der(const char* pem, std::size_t len, std::uint8_t* out, std::size_t max) {
    const char* end = pem + len;
    const char* begin = find(pem, end, "-----BEGIN ");
    if (!begin) return 0;
    const char* body = next_line(begin, end);
    const char* stop = find(body, end, "-----END ");
    if (!stop) return 0;
    std::size_t n = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    bool padding = false;
    for (const char* p = body; p < stop; ++p) {
        const char c = *p;
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        const int v = base64_value(c);
        if (v < 0 || padding) return 0;  // no data after padding, no foreign characters
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == max) return 0;
            out[n++] = static_cast<std::uint8_t>(acc >> bits);
        }
    }
    return n;
}

}  // namespace core
