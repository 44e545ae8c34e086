#include "semihosted_flash.hpp"

#include <cstring>

#include "semihosting.hpp"

namespace qemu {
namespace {

constexpr std::size_t kChunk = 256;

bool in_range(int sector, std::size_t offset, std::size_t len) {
    return sector >= 0 && sector < hal::Storage::kSectorCount &&
           offset <= hal::Storage::kSectorSize && len <= hal::Storage::kSectorSize - offset;
}

}  // namespace

bool SemihostedFlash::ready() {
    if (handle_ >= 0) return true;
    handle_ = open_file(path_, mode::update_binary);
    if (handle_ >= 0 && file_length(handle_) >= kSectorSize * kSectorCount) return true;
    if (handle_ < 0) handle_ = open_file(path_, mode::create_binary);
    if (handle_ < 0) return false;
    std::uint8_t erased[kChunk];  // a fresh part is erased
    std::memset(erased, 0xFF, sizeof erased);
    for (std::size_t at = 0; at < kSectorSize * kSectorCount; at += kChunk)
        if (!write_at(handle_, at, erased, kChunk)) return false;
    return true;
}

bool SemihostedFlash::read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) {
    return in_range(sector, offset, len) && ready() &&
           read_at(handle_, sector * kSectorSize + offset, dst, len);
}

bool SemihostedFlash::erase(int sector) {
    if (!in_range(sector, 0, kSectorSize) || !ready()) return false;
    std::uint8_t erased[kChunk];
    std::memset(erased, 0xFF, sizeof erased);
    for (std::size_t at = 0; at < kSectorSize; at += kChunk)
        if (!write_at(handle_, sector * kSectorSize + at, erased, kChunk)) return false;
    return true;
}

bool SemihostedFlash::program(int sector, std::size_t offset, const std::uint8_t* src,
                              std::size_t len) {
    if (!in_range(sector, offset, len) || !ready()) return false;
    std::uint8_t cells[kChunk];
    for (std::size_t done = 0; done < len;) {
        const std::size_t n = len - done < kChunk ? len - done : kChunk;
        const std::size_t at = sector * kSectorSize + offset + done;
        if (!read_at(handle_, at, cells, n)) return false;
        for (std::size_t i = 0; i < n; ++i) cells[i] &= src[done + i];  // bits only clear
        if (!write_at(handle_, at, cells, n)) return false;
        done += n;
    }
    return true;
}

}  // namespace qemu
