#include "internal_flash_storage.hpp"

#include <cstring>

#include "../stm32f2/registers.hpp"

namespace stm32f2 {
namespace {

constexpr std::uint32_t kSectorBase[] = {0x08004000u, 0x08008000u};
constexpr std::uint32_t kSectorNumber[] = {1, 2};
constexpr std::uint32_t kBusy = 1u << 16, kErrors = 0xF2u;  // SR: BSY; PGSERR..OPERR
constexpr std::uint32_t kPg = 1u << 0, kSer = 1u << 1, kStrt = 1u << 16, kLock = 1u << 31;
constexpr std::uint32_t kPsizeX8 = 0u << 8, kPsizeX32 = 2u << 8;

bool in_range(int sector, std::size_t offset, std::size_t len) {
    return sector >= 0 && sector < hal::Storage::kSectorCount &&
           offset <= hal::Storage::kSectorSize && len <= hal::Storage::kSectorSize - offset;
}

bool wait_ready() {
    for (std::uint32_t i = 0; i < 20000000u; ++i)  // a sector erase takes up to ~2 s
        if (!(FLASH->SR & kBusy)) return (FLASH->SR & kErrors) == 0;
    return false;
}

void unlock() {
    if (FLASH->CR & kLock) {
        FLASH->KEYR = 0x45670123u;
        FLASH->KEYR = 0xCDEF89ABu;
    }
    FLASH->SR = kErrors;  // clear stale error flags (write 1 to clear)
}

}  // namespace

bool InternalFlashStorage::read(int sector, std::size_t offset, std::uint8_t* dst,
                                std::size_t len) {
    if (!in_range(sector, offset, len)) return false;
    std::memcpy(dst, reinterpret_cast<const void*>(kSectorBase[sector] + offset), len);
    return true;
}

bool InternalFlashStorage::erase(int sector) {
    if (!in_range(sector, 0, kSectorSize)) return false;
    unlock();
    bool ok = wait_ready();
    FLASH->CR = kPsizeX32 | kSer | (kSectorNumber[sector] << 3);
    FLASH->CR |= kStrt;
    ok = wait_ready() && ok;
    FLASH->CR = kLock;
    return ok;
}

bool InternalFlashStorage::program(int sector, std::size_t offset, const std::uint8_t* src,
                                   std::size_t len) {
    if (!in_range(sector, offset, len)) return false;
    unlock();
    bool ok = wait_ready();
    FLASH->CR = kPsizeX8 | kPg;  // byte writes: valid at any supply voltage
    auto* dst = reinterpret_cast<volatile std::uint8_t*>(kSectorBase[sector] + offset);
    for (std::size_t i = 0; ok && i < len; ++i) {
        dst[i] = src[i];
        ok = wait_ready();
    }
    FLASH->CR = kLock;
    return ok;
}

}  // namespace stm32f2
