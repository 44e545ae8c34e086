#pragma once
// The virtual device's USB serial: a pseudo-terminal whose slave path is published as a
// stable symlink. Clients open and close it at will (particle-cli reopens per command).
// inotify on the slave reports every open and close the moment it happens, which stands in
// for the USB events a real device sees: DTR (output is dropped while no client holds the
// port, and output a client left unread is discarded) and SET_LINE_CODING (the bit rate a
// client sets, read from the pty's termios).
#include <poll.h>

#include <cstddef>
#include <cstdint>

#include "hal/console_port.hpp"

namespace native {

class PtyConsole final : public hal::ConsolePort {
public:
    bool open(const char* link_path);
    void close();
    const char* slave_path() const { return slave_; }

    // The main loop's poll set: input, and a client opening or closing the port.
    std::size_t watch(pollfd* fds, std::size_t max) const;
    // Called once per loop pass: tracks clients and the line coding they set.
    void service();
    // Bit rate of the last line coding a client set (termios speed); 0 when unknown.
    std::uint32_t bitrate() const { return bitrate_; }
    // True once per client open or bit-rate change.
    bool take_line_coding_event();

    std::size_t available() override;
    int read() override;
    void write(const std::uint8_t* data, std::size_t len) override;

private:
    bool fill();
    bool client_attached();
    void drop_unread_output();
    void drain_open_close_events(int* opens, int* closes);
    void note_open_close();

    int master_ = -1;
    int notify_ = -1;
    int own_events_ = 0;  // opens + closes of the slave made by drop_unread_output()
    char slave_[64] = {};
    char link_[512] = {};
    bool client_open_ = false;
    bool line_coding_event_ = false;
    std::uint32_t bitrate_ = 0;
    std::uint8_t rx_[512];
    std::size_t rx_head_ = 0, rx_len_ = 0;
};

}  // namespace native
