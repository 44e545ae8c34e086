#include "setup_sockets.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

namespace native {
namespace {

constexpr std::uint32_t kDrainMs = 2000;   // how long a closing peer may keep sending
constexpr int kDrainReadsPerPass = 8;      // a peer that never stops must not hold the loop

std::uint64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000u + ts.tv_nsec / 1000000;
}

void non_blocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Loopback only: the virtual AP is never reachable from another machine.
int bound_socket(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // SO_REUSEPORT lets the listener share the port with the socket that holds it.
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
}

}  // namespace

bool SetupSockets::reserve() {
    // A bound socket that never listens holds each port for the whole run: connections
    // are refused while the AP is down, and no other socket (a client's ephemeral port
    // under load, say) can take the port before the AP comes back.
    for (int i = 0; i < 2; ++i) {
        port_holders_[i] = bound_socket(ports_[i]);
        if (port_holders_[i] < 0) return false;
        ports_[i] = local_port(port_holders_[i]);
    }
    return true;
}

bool SetupSockets::open_listener(int index) {
    const int fd = bound_socket(ports_[index]);
    if (fd < 0 || listen(fd, 16) != 0) {
        if (fd >= 0) ::close(fd);
        return false;
    }
    non_blocking(fd);
    listeners_[index] = fd;
    return true;
}

bool SetupSockets::start() {
    if (listeners_[0] >= 0) return true;
    if (open_listener(0) && open_listener(1)) return true;
    stop();
    return false;
}

void SetupSockets::stop() {
    for (int& fd : listeners_) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    // The AP going down ends every connection; what is queued gets one last try.
    for (Connection& c : connections_) {
        if (c.fd < 0) continue;
        flush(c);
        release(c);
    }
}

int SetupSockets::accept(hal::SetupService* service) {
    accept_asked_ = true;
    for (int i = 0; i < 2; ++i) {
        if (listeners_[i] < 0) continue;
        std::size_t slot = 0;
        while (slot < kConnections && connections_[slot].fd >= 0) ++slot;
        if (slot == kConnections) return -1;
        const int fd = ::accept4(listeners_[i], nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) continue;
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        Connection& c = connections_[slot];
        c.fd = fd;
        c.service = i == 0 ? hal::SetupService::simple : hal::SetupService::http;
        c.closing = c.write_shut = false;
        c.out_len = 0;
        *service = c.service;
        return static_cast<int>(slot);
    }
    return -1;
}

long SetupSockets::receive(int connection, std::uint8_t* buf, std::size_t max) {
    Connection& c = connections_[connection];
    c.read_asked = true;
    const ssize_t n = ::recv(c.fd, buf, max, 0);
    if (n > 0) return n;
    if (n == 0) return kPeerFinished;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : kBroken;
}

bool SetupSockets::send(int connection, const std::uint8_t* data, std::size_t len) {
    Connection& c = connections_[connection];
    if (len > kOutbox - c.out_len) return false;
    std::memcpy(c.outbox + c.out_len, data, len);
    c.out_len += len;
    return flush(c);
}

void SetupSockets::close(int connection) {
    Connection& c = connections_[connection];
    c.closing = true;
    c.close_deadline_ms = now_ms() + kDrainMs;
    service();
}

// False when the peer is gone.
bool SetupSockets::flush(Connection& c) {
    while (c.out_len > 0) {
        const ssize_t n = ::send(c.fd, c.outbox, c.out_len, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        std::memmove(c.outbox, c.outbox + n, c.out_len - static_cast<std::size_t>(n));
        c.out_len -= static_cast<std::size_t>(n);
    }
    return true;
}

void SetupSockets::service() {
    for (Connection& c : connections_) {
        if (c.fd < 0 || !c.closing) continue;
        if (!flush(c)) {
            release(c);
            continue;
        }
        if (c.out_len > 0) {  // a peer that stopped reading gets until the deadline
            if (now_ms() >= c.close_deadline_ms) release(c);
            continue;
        }
        if (!c.write_shut) {
            shutdown(c.fd, SHUT_WR);  // FIN after the reply
            c.write_shut = true;
        }
        // Closing with unread input would reset the connection and could destroy the reply
        // in flight, so read the peer's leftovers until it closes too (or takes too long),
        // a few reads each pass.
        std::uint8_t sink[512];
        ssize_t n = 1;
        for (int i = 0; i < kDrainReadsPerPass && n > 0; ++i)
            n = ::recv(c.fd, sink, sizeof sink, 0);
        const bool peer_done = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        if (peer_done || now_ms() >= c.close_deadline_ms) release(c);
    }
}

void SetupSockets::release(Connection& c) {
    ::close(c.fd);
    c.fd = -1;
    c.out_len = 0;
    c.closing = c.write_shut = false;
}

std::size_t SetupSockets::watch(pollfd* fds, std::size_t max) {
    std::size_t n = 0;
    if (accept_asked_)
        for (int fd : listeners_)
            if (fd >= 0 && n < max) fds[n++] = {fd, POLLIN, 0};
    accept_asked_ = false;
    for (Connection& c : connections_) {
        if (c.fd < 0 || n == max) continue;
        // A closing connection is drained here every pass, so its input always counts.
        const bool input = c.read_asked || c.closing;
        const short events = static_cast<short>((input ? POLLIN : 0) | (c.out_len ? POLLOUT : 0));
        c.read_asked = false;
        if (events) fds[n++] = {c.fd, events, 0};
    }
    return n;
}

}  // namespace native
