#include "system_entropy.hpp"

#include <sys/random.h>

#include <cerrno>

namespace native {

bool SystemEntropy::fill(std::uint8_t* out, std::size_t len) {
    while (len > 0) {
        const ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;  // a signal arrived before any byte was read
            return false;
        }
        out += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace native
