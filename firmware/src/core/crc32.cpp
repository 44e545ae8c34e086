#include "core/crc32.hpp"

namespace core {

std::uint32_t crc32(const std::uint8_t* data, std::size_t len, std::uint32_t crc) {
    // Bitwise on purpose: the config store checks ~16 KB only at boot and on commit, so
    // a 1 KB table would buy nothing on a 128 KB-RAM part.
    crc = ~crc;
    for (std::size_t i = 0; i < len; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

}  // namespace core
