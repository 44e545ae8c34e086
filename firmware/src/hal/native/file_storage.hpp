#pragma once
// The DCT flash sectors of the virtual device: one file holding both 16 KB sectors, with
// NOR semantics (erase to 0xFF, program clears bits only). For power-loss tests the
// process can be made to die after a given number of bytes have reached the file, which
// is a power cut at exactly that byte of an erase or a program.
#include <cstdint>

#include "hal/storage.hpp"

namespace native {

class FileStorage final : public hal::Storage {
public:
    bool open(const char* path);
    // Die (exit code kPowerCutExit) once this many more bytes were erased or programmed.
    void arm_power_cut(std::uint64_t bytes) { budget_ = bytes; armed_ = true; }
    static constexpr int kPowerCutExit = 86;

    bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) override;
    bool erase(int sector) override;
    bool program(int sector, std::size_t offset, const std::uint8_t* src,
                 std::size_t len) override;

private:
    bool put(std::size_t at, const std::uint8_t* src, std::size_t len);
    static bool valid(int sector, std::size_t offset, std::size_t len) {
        return sector >= 0 && sector < kSectorCount && offset <= kSectorSize &&
               len <= kSectorSize - offset;
    }

    int fd_ = -1;
    bool armed_ = false;
    std::uint64_t budget_ = 0;
};

}  // namespace native
