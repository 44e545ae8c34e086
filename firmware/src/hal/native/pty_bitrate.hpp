#pragma once
#include <cstdint>

namespace native {

// The output speed a client set on the pty slave, read through the master, including
// non-standard rates (14400, 28800) set with BOTHER as pyserial and node-serialport do.
std::uint32_t pty_bitrate(int master_fd);

}  // namespace native
