#pragma once
// ARM semihosting calls into QEMU (run with -semihosting): host files and stderr.
#include <cstddef>
#include <cstdint>

namespace qemu {

int semihost(std::uint32_t op, const void* arg);

// Host file handle, or -1.
int open_file(const char* path, std::uint32_t mode);
bool read_at(int handle, std::size_t offset, void* dst, std::size_t len);
bool write_at(int handle, std::size_t offset, const void* src, std::size_t len);
std::size_t file_length(int handle);
void write_stderr(const char* text);

namespace mode {
constexpr std::uint32_t read_binary = 1, update_binary = 3, create_binary = 7;  // rb r+b w+b
}

}  // namespace qemu
