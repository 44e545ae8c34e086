#include "file_storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace native {

bool FileStorage::open(const char* path) {
    fd_ = ::open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return false;
    const off_t size = lseek(fd_, 0, SEEK_END);
    const off_t want = static_cast<off_t>(kSectorSize) * kSectorCount;
    if (size >= want) return true;
    std::uint8_t erased[1024];  // a new part comes out of the factory erased
    std::memset(erased, 0xFF, sizeof erased);
    for (off_t at = size < 0 ? 0 : size; at < want; at += sizeof erased) {
        const std::size_t n = want - at < static_cast<off_t>(sizeof erased)
                                  ? static_cast<std::size_t>(want - at)
                                  : sizeof erased;
        if (pwrite(fd_, erased, n, at) != static_cast<ssize_t>(n)) return false;
    }
    return true;
}

bool FileStorage::put(std::size_t at, const std::uint8_t* src, std::size_t len) {
    std::size_t n = len;
    const bool cut = armed_ && budget_ < len;
    if (cut) n = static_cast<std::size_t>(budget_);
    if (n && pwrite(fd_, src, n, static_cast<off_t>(at)) != static_cast<ssize_t>(n))
        return false;
    if (cut) _exit(kPowerCutExit);  // the lights go out right here
    if (armed_) budget_ -= len;
    return true;
}

bool FileStorage::read(int sector, std::size_t offset, std::uint8_t* dst, std::size_t len) {
    if (fd_ < 0 || !valid(sector, offset, len)) return false;
    const off_t at = static_cast<off_t>(sector * kSectorSize + offset);
    return pread(fd_, dst, len, at) == static_cast<ssize_t>(len);
}

bool FileStorage::erase(int sector) {
    if (fd_ < 0 || !valid(sector, 0, kSectorSize)) return false;
    std::uint8_t erased[kSectorSize];
    std::memset(erased, 0xFF, sizeof erased);
    return put(static_cast<std::size_t>(sector) * kSectorSize, erased, sizeof erased);
}

bool FileStorage::program(int sector, std::size_t offset, const std::uint8_t* src,
                          std::size_t len) {
    if (fd_ < 0 || !valid(sector, offset, len)) return false;
    std::uint8_t cells[kSectorSize];
    if (!read(sector, offset, cells, len)) return false;
    for (std::size_t i = 0; i < len; ++i) cells[i] &= src[i];  // bits only go 1 -> 0
    return put(static_cast<std::size_t>(sector) * kSectorSize + offset, cells, len);
}

}  // namespace native
