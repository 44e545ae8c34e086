#include "pty_console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pty_bitrate.hpp"

namespace native {

bool PtyConsole::open(const char* link_path) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return false;
    const char* name = ptsname(master_);
    if (!name || std::strlen(name) >= sizeof slave_) return false;
    std::strcpy(slave_, name);

    // Raw, 9600 8N1 like a freshly enumerated CDC port, so a client that does not configure
    // the line (cat, a shell redirect) still sees the bytes unmodified and without echo.
    termios t{};
    if (tcgetattr(master_, &t) != 0) return false;
    cfmakeraw(&t);
    cfsetispeed(&t, B9600);
    cfsetospeed(&t, B9600);
    tcsetattr(master_, TCSANOW, &t);

    if (std::snprintf(link_, sizeof link_, "%s", link_path) >= static_cast<int>(sizeof link_))
        return false;
    unlink(link_);
    return symlink(slave_, link_) == 0;
}

void PtyConsole::close() {
    if (link_[0]) unlink(link_);
    if (master_ >= 0) ::close(master_);
    master_ = -1;
}

void PtyConsole::service() {
    // With no client holding the slave, the master polls as hung up.
    pollfd p{master_, POLLIN, 0};
    poll(&p, 1, 0);
    const bool open_now = (p.revents & POLLHUP) == 0;
    if (open_now && !client_open_) line_coding_event_ = true;
    if (!open_now && client_open_) drop_unread_output();
    client_open_ = open_now;
    // A client may open, set the rate and close between two passes (the 28800 trick does):
    // the changed rate is the evidence that it happened.
    const std::uint32_t rate = pty_bitrate(master_);
    if (rate != bitrate_) {
        bitrate_ = rate;
        line_coding_event_ = true;
    }
}

// A client that closes mid-reply leaves bytes queued in the pty, which the next client
// would read first. USB CDC has no such leftovers (Device OS clears its TX buffer when DTR
// rises), so discard them. Only the slave side can flush that queue.
void PtyConsole::drop_unread_output() {
    const int slave = ::open(slave_, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (slave < 0) return;
    tcflush(slave, TCIFLUSH);
    ::close(slave);
}

bool PtyConsole::take_line_coding_event() {
    const bool e = line_coding_event_;
    line_coding_event_ = false;
    return e;
}

bool PtyConsole::fill() {
    if (rx_len_ > 0) return true;
    const ssize_t n = ::read(master_, rx_, sizeof rx_);
    if (n <= 0) return false;  // EAGAIN, or EIO while no client is attached
    rx_head_ = 0;
    rx_len_ = static_cast<std::size_t>(n);
    return true;
}

std::size_t PtyConsole::available() {
    fill();
    return rx_len_;
}

int PtyConsole::read() {
    if (!fill()) return -1;
    --rx_len_;
    return rx_[rx_head_++];
}

void PtyConsole::write(const std::uint8_t* data, std::size_t len) {
    while (len > 0 && client_open_) {
        const ssize_t n = ::write(master_, data, len);
        if (n > 0) {
            data += n;
            len -= static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            pollfd p{master_, POLLOUT, 0};
            if (poll(&p, 1, 1000) <= 0 || (p.revents & POLLHUP)) return;  // client gone
        } else if (n < 0 && errno != EINTR) {
            return;
        }
    }
}

}  // namespace native
