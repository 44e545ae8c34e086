#pragma once
// Two flash sectors holding the device configuration (the DCT), with NOR-flash rules:
// erase sets every byte to 0xFF, programming can only clear bits.
#include <cstddef>
#include <cstdint>

namespace hal {

class Storage {
public:
    static constexpr std::size_t kSectorSize = 16 * 1024;
    static constexpr int kSectorCount = 2;

    virtual ~Storage() = default;
    virtual bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) = 0;
    virtual bool erase(int sector) = 0;
    virtual bool program(int sector, std::size_t offset, const std::uint8_t* src,
                         std::size_t len) = 0;
};

}  // namespace hal
