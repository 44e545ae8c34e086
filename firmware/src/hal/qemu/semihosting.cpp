#include "semihosting.hpp"

#include <cstring>

namespace qemu {
namespace op {
constexpr std::uint32_t open = 0x01, close = 0x02, write0 = 0x04, write = 0x05, read = 0x06, seek = 0x0A,
                        flen = 0x0C, clock = 0x10, time = 0x11, get_cmdline = 0x15,
                        exit_extended = 0x20, elapsed = 0x30;
}

int semihost(std::uint32_t operation, const void* arg) {
    register std::uint32_t r0 asm("r0") = operation;
    register const void* r1 asm("r1") = arg;
    asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return static_cast<int>(r0);
}

int open_file(const char* path, std::uint32_t mode) {
    const std::uint32_t args[3] = {reinterpret_cast<std::uint32_t>(path), mode,
                                   static_cast<std::uint32_t>(std::strlen(path))};
    return semihost(op::open, args);
}

void close_file(int handle) {
    const std::uint32_t args[1] = {static_cast<std::uint32_t>(handle)};
    semihost(op::close, args);
}

bool read_at(int handle, std::size_t offset, void* dst, std::size_t len) {
    const std::uint32_t seek[2] = {static_cast<std::uint32_t>(handle), offset};
    if (semihost(op::seek, seek) != 0) return false;
    const std::uint32_t args[3] = {static_cast<std::uint32_t>(handle),
                                   reinterpret_cast<std::uint32_t>(dst), len};
    return semihost(op::read, args) == 0;  // returns the number of bytes NOT read
}

bool write_at(int handle, std::size_t offset, const void* src, std::size_t len) {
    const std::uint32_t seek[2] = {static_cast<std::uint32_t>(handle), offset};
    if (semihost(op::seek, seek) != 0) return false;
    const std::uint32_t args[3] = {static_cast<std::uint32_t>(handle),
                                   reinterpret_cast<std::uint32_t>(src), len};
    return semihost(op::write, args) == 0;
}

std::size_t file_length(int handle) {
    const std::uint32_t args[1] = {static_cast<std::uint32_t>(handle)};
    const int n = semihost(op::flen, args);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

void write_stderr(const char* text) { semihost(op::write0, text); }

std::uint32_t host_time() { return static_cast<std::uint32_t>(semihost(op::time, nullptr)); }

std::uint32_t host_clock() { return static_cast<std::uint32_t>(semihost(op::clock, nullptr)); }

bool host_elapsed(std::uint64_t* ticks) {
    std::uint32_t block[2] = {0, 0};  // least significant word first
    if (semihost(op::elapsed, block) != 0) return false;
    *ticks = (static_cast<std::uint64_t>(block[1]) << 32) | block[0];
    return true;
}

bool command_line(char* dst, std::size_t size) {
    if (size < 2) return false;
    std::uint32_t block[2] = {reinterpret_cast<std::uint32_t>(dst), size};
    if (semihost(op::get_cmdline, block) != 0 || block[1] >= size) return false;
    dst[block[1]] = '\0';  // QEMU writes the terminator too; this is belt and braces
    return true;
}

void exit_emulator(std::uint32_t status) {
    constexpr std::uint32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit
    const std::uint32_t block[2] = {kApplicationExit, status};
    semihost(op::exit_extended, block);
    for (;;) {  // not reached under QEMU
    }
}

}  // namespace qemu
