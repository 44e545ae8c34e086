#pragma once
// The virtual device's USB serial: a pseudo-terminal whose slave path is published as a
// stable symlink. Clients open and close it at will (particle-cli reopens per command).
// Like USB CDC with DTR low, output is dropped while no client holds the port open.
#include <cstddef>
#include <cstdint>

#include "hal/console_port.hpp"

namespace native {

class PtyConsole final : public hal::ConsolePort {
public:
    bool open(const char* link_path);
    void close();
    int fd() const { return master_; }
    const char* slave_path() const { return slave_; }

    // Called once per loop pass: tracks clients and the line coding they set.
    void service();
    bool client_open() const { return client_open_; }
    // Bit rate of the last SET_LINE_CODING equivalent (termios speed); 0 when unknown.
    std::uint32_t bitrate() const { return bitrate_; }
    // True once per client open or bit-rate change.
    bool take_line_coding_event();

    std::size_t available() override;
    int read() override;
    void write(const std::uint8_t* data, std::size_t len) override;

private:
    bool fill();
    void drop_unread_output();

    int master_ = -1;
    char slave_[64] = {};
    char link_[512] = {};
    bool client_open_ = false;
    bool line_coding_event_ = false;
    std::uint32_t bitrate_ = 0;
    std::uint8_t rx_[512];
    std::size_t rx_head_ = 0, rx_len_ = 0;
};

}  // namespace native
