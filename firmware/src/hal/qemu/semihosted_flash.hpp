#pragma once
// QEMU's netduino2 flash is read-only, so the DCT sectors live in a host file reached by
// semihosting (`dct=PATH` on QEMU's command line, by default `harken-dct.bin` in QEMU's
// working directory), with NOR semantics.
#include "hal/storage.hpp"

namespace qemu {

class SemihostedFlash final : public hal::Storage {
public:
    // `path` must outlive the object.
    explicit SemihostedFlash(const char* path) : path_(path) {}
    bool read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) override;
    bool erase(int sector) override;
    bool program(int sector, std::size_t offset, const std::uint8_t* src,
                 std::size_t len) override;

private:
    bool ready();
    const char* path_;
    int handle_ = -1;
};

}  // namespace qemu
