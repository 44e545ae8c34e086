// The virtual device's SoftAP sockets: a closing connection drains what its peer still sends,
// a few reads at a time, so a peer that never stops sending cannot keep the loop there.
// Native only: it tests the host HAL (hal/native) over real POSIX sockets, which the
// Cortex-M3 test image (`pio test -e qemu`) has neither of.
#ifdef HARKEN_NATIVE
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "../../src/hal/native/setup_sockets.hpp"

namespace {

int connect_to(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Bytes the client could queue before its buffers filled.
std::size_t send_until_full(int fd) {
    static const std::vector<char> junk(65536, 'x');
    std::size_t total = 0;
    for (;;) {
        const ssize_t n = send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
        if (n <= 0) return total;
        total += static_cast<std::size_t>(n);
    }
}

}  // namespace

TEST(SetupSockets, OnePassDrainsAClosingConnectionOnlyALittle) {
    native::SetupSockets sockets(0, 0);
    ASSERT_TRUE(sockets.reserve());
    ASSERT_TRUE(sockets.start());
    const int client = connect_to(sockets.simple_port());
    hal::SetupService service;
    int id = -1;
    for (int i = 0; i < 100 && id < 0; ++i) id = sockets.accept(&service);
    ASSERT_GE(id, 0);
    sockets.close(id);             // answered: FIN, then the peer's leftovers are drained
    const std::size_t queued = send_until_full(client);
    sockets.service();             // one pass of the device loop
    const std::size_t more = send_until_full(client);
    EXPECT_LT(more, queued / 4) << queued << " queued, then room for " << more;
    ::close(client);
    sockets.stop();
}

#endif  // HARKEN_NATIVE
