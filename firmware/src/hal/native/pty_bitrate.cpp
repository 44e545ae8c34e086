// Kept apart: <asm/termbits.h> (termios2) cannot share a translation unit with <termios.h>.
#include "pty_bitrate.hpp"

#include <asm/termbits.h>
#include <sys/ioctl.h>

namespace native {

std::uint32_t pty_bitrate(int master_fd) {
    struct termios2 t {};
    if (ioctl(master_fd, TCGETS2, &t) != 0) return 0;
    return t.c_ospeed;
}

}  // namespace native
