#include "fixture_socket.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace native {

bool FixtureSocket::open(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    socklen_t size = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
        ::close(fd);
        return false;
    }
    listener_ = fd;
    port_ = ntohs(addr.sin_port);
    return true;
}

std::size_t FixtureSocket::watch(pollfd* fds, std::size_t max) const {
    std::size_t n = 0;
    if (listener_ >= 0 && n < max) fds[n++] = {listener_, POLLIN, 0};
    for (const Client& c : clients_)
        if (c.fd >= 0 && n < max) fds[n++] = {c.fd, POLLIN, 0};
    return n;
}

void FixtureSocket::service(FixtureCommands& commands) {
    accept_clients();
    for (Client& c : clients_)
        if (c.fd >= 0) read_client(c, commands);
}

void FixtureSocket::accept_clients() {
    if (listener_ < 0) return;
    for (;;) {
        const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        Client* slot = nullptr;
        for (Client& c : clients_)
            if (c.fd < 0) slot = &c;
        if (!slot) {
            static const char kBusy[] = "ERR too many clients\n";
            (void)!send(fd, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(fd);
            continue;
        }
        slot->fd = fd;
        slot->len = 0;
        slot->overflow = false;
    }
}

void FixtureSocket::read_client(Client& c, FixtureCommands& commands) {
    char buf[512];
    // One read per pass: a client cannot keep the loop to itself.
    const ssize_t got = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        drop(c);
        return;
    }
    for (ssize_t i = 0; i < got && c.fd >= 0; ++i) {
        const char ch = buf[i];
        if (ch == '\n') {
            char answer[kMaxLine + 1];
            if (c.overflow) {
                std::strcpy(answer, "ERR line too long");
            } else {
                c.line[c.len] = '\0';
                answer[0] = '\0';
                if (c.len) commands.run(c.line, answer, sizeof answer);
            }
            c.len = 0;
            c.overflow = false;
            if (!answer[0]) continue;  // blank lines are keep-alives
            send_to(c, answer, std::strlen(answer));
            send_to(c, "\n", 1);
        } else if (ch == '\r') {
        } else if (c.len < kMaxLine) {
            c.line[c.len++] = ch;
        } else {
            c.overflow = true;
        }
    }
}

void FixtureSocket::write(const std::uint8_t* data, std::size_t len) {
    for (Client& c : clients_)
        if (c.fd >= 0) send_to(c, reinterpret_cast<const char*>(data), len);
}

void FixtureSocket::send_to(Client& c, const char* data, std::size_t len) {
    while (len > 0 && c.fd >= 0) {
        const ssize_t sent = send(c.fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent <= 0) {
            if (sent < 0 && errno == EINTR) continue;
            drop(c);  // gone, or so far behind that its socket buffer is full
            return;
        }
        data += sent;
        len -= static_cast<std::size_t>(sent);
    }
}

void FixtureSocket::drop(Client& c) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    c.len = 0;
}

void FixtureSocket::close() {
    for (Client& c : clients_) drop(c);
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
}

}  // namespace native
