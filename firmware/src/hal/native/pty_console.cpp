#include "pty_console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pty_bitrate.hpp"

namespace native {

bool PtyConsole::open(const char* link_path) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
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
    bitrate_ = pty_bitrate(master_);

    notify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (notify_ < 0 ||
        inotify_add_watch(notify_, slave_, IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) < 0)
        return false;

    if (std::snprintf(link_, sizeof link_, "%s", link_path) >= static_cast<int>(sizeof link_))
        return false;
    unlink(link_);
    return symlink(slave_, link_) == 0;
}

void PtyConsole::close() {
    if (link_[0]) unlink(link_);
    if (notify_ >= 0) ::close(notify_);
    if (master_ >= 0) ::close(master_);
    master_ = notify_ = -1;
}

std::size_t PtyConsole::watch(pollfd* fds, std::size_t max) const {
    // Without a client the master polls as hung up all the time, so only watch it while
    // someone is attached.
    std::size_t n = 0;
    if (n < max) fds[n++] = {notify_, POLLIN, 0};
    if (client_open_ && n < max) fds[n++] = {master_, POLLIN, 0};
    return n;
}

bool PtyConsole::client_attached() {
    pollfd p{master_, POLLIN, 0};
    poll(&p, 1, 0);
    return (p.revents & POLLHUP) == 0;
}

void PtyConsole::drain_open_close_events(int* opens, int* closes) {
    alignas(inotify_event) char buf[1024];
    ssize_t n;
    while ((n = ::read(notify_, buf, sizeof buf)) > 0) {
        for (char* p = buf; p < buf + n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(p);
            if (own_events_ > 0) {
                --own_events_;
            } else if (e->mask & IN_OPEN) {
                ++*opens;
            } else if (e->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) {
                ++*closes;
            }
            p += sizeof(inotify_event) + e->len;
        }
    }
}

void PtyConsole::service() {
    note_open_close();
    client_open_ = client_attached();
}

// Runs right before every read from the pty as well, so that a client's close is noticed
// before the next client's bytes are read, and a line coding before the data behind it.
void PtyConsole::note_open_close() {
    int opens = 0, closes = 0;
    drain_open_close_events(&opens, &closes);
    // Once every client has gone, output still queued for them is stale. (With a new
    // client already attached it is left alone: flushing under a reader that was told data
    // is waiting makes it see a disconnect.)
    if (closes > 0 && !client_attached()) drop_unread_output();
    // A client may open, set the rate and close between two passes (the 28800 trick
    // does): the open event, or the changed rate, is the evidence that it happened.
    const std::uint32_t rate = pty_bitrate(master_);
    if (opens > 0 || rate != bitrate_) line_coding_event_ = true;
    bitrate_ = rate;
}

// Replies nobody will read. Only the slave side can flush that queue; our own open and
// close of it are not clients. (What the client wrote before it left is still processed,
// as a device processes what arrived before DTR dropped: `x` and a claim code need no
// reader.)
void PtyConsole::drop_unread_output() {
    const int slave = ::open(slave_, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (slave < 0) return;
    own_events_ += 2;
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
    note_open_close();
    // On USB the SET_LINE_CODING control request comes before the data behind it: let the
    // device act on a new line coding (28800 = listening mode) before reading on.
    if (line_coding_event_) return false;
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
    // A client may have attached since the last pass: ask the pty rather than drop a reply.
    if (!client_open_) client_open_ = client_attached();
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
