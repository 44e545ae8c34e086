#pragma once
// ARM semihosting calls into QEMU (run with -semihosting): host files, stderr and clocks.
#include <cstddef>
#include <cstdint>

namespace qemu {

int semihost(std::uint32_t op, const void* arg);

// Host file handle, or -1.
int open_file(const char* path, std::uint32_t mode);
void close_file(int handle);
bool read_at(int handle, std::size_t offset, void* dst, std::size_t len);
bool write_at(int handle, std::size_t offset, const void* src, std::size_t len);
std::size_t file_length(int handle);
void write_stderr(const char* text);

// Host clocks: SYS_TIME (epoch seconds), SYS_CLOCK (centiseconds since QEMU started),
// SYS_ELAPSED (a host tick count, nanoseconds on QEMU; false when unsupported).
std::uint32_t host_time();
std::uint32_t host_clock();
bool host_elapsed(std::uint64_t* ticks);

// QEMU's `-semihosting-config ...,arg=A,arg=B` values joined by spaces (the kernel's file
// name when no arg= is given) into dst, NUL-terminated; false when it does not fit.
bool command_line(char* dst, std::size_t size);
// Ends the emulator with this exit status (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit):
// for test runs. Never on a real board, where the bkpt would fault.
[[noreturn]] void exit_emulator(std::uint32_t status);

namespace mode {
constexpr std::uint32_t read_binary = 1, update_binary = 3, create_binary = 7;  // rb r+b w+b
}

}  // namespace qemu
