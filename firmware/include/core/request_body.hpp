#pragma once
// The body of a SoftAP request (either transport), copied as it arrives into the buffer the
// server lent for it.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace core {

// Takes what is still missing of a `length`-byte body from `data`; returns how many bytes it
// took, and NUL-terminates the body once it is whole (the buffer has room for that).
inline std::size_t receive_body(std::uint8_t* body, std::size_t length, std::size_t* received,
                                const std::uint8_t* data, std::size_t len) {
    std::size_t n = length - *received;
    if (n > len) n = len;
    std::memcpy(body + *received, data, n);
    *received += n;
    if (*received == length) body[length] = 0;
    return n;
}

}  // namespace core
