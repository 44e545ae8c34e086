#pragma once
#include <cstddef>
#include <cstdint>

namespace core {

// CRC-32 (IEEE 802.3, reflected, as zlib.crc32). Pass the previous result to continue.
std::uint32_t crc32(const std::uint8_t* data, std::size_t len, std::uint32_t crc = 0);

}  // namespace core
