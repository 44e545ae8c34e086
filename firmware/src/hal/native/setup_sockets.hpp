#pragma once
// The virtual device's setup AP: the simple protocol and HTTP on 127.0.0.1 TCP ports.
// "AP down" closes the listeners, so connections are refused, and "AP up" listens on the
// same ports again (held meanwhile by bound sockets that never listen). Replies are queued per connection and sent as the peer reads them; a
// connection closes gracefully (FIN after the reply, then the peer's leftovers drained) so a
// client never loses a reply to a reset.
#include <poll.h>

#include <cstddef>
#include <cstdint>

#include "hal/setup_listener.hpp"

namespace native {

class SetupSockets final : public hal::SetupListener {
public:
    static constexpr std::size_t kConnections = 8;
    static constexpr std::size_t kOutbox = 8192;

    // Port 0 picks a free port once; later restarts reuse it.
    SetupSockets(std::uint16_t simple_port, std::uint16_t http_port)
        : ports_{simple_port, http_port} {}
    // Reserves the ports (and learns ephemeral ones) without listening yet.
    bool reserve();
    std::uint16_t simple_port() const { return ports_[0]; }
    std::uint16_t http_port() const { return ports_[1]; }

    bool start() override;
    void stop() override;
    int accept(hal::SetupService* service) override;
    long receive(int connection, std::uint8_t* buf, std::size_t max) override;
    bool send(int connection, const std::uint8_t* data, std::size_t len) override;
    void close(int connection) override;

    // The main loop's poll set: listeners and connections, but only those the server asked
    // about since the last call. One it is not reading (full, or waiting for a body buffer)
    // would poll ready at once and spin the loop; the loop's 10 ms tick rechecks them.
    std::size_t watch(pollfd* fds, std::size_t max);
    // Sends queued bytes and finishes closing connections; call every loop pass.
    void service();

private:
    struct Connection {
        int fd = -1;
        hal::SetupService service = hal::SetupService::simple;
        bool closing = false;      // close() called: flush, FIN, drain
        bool write_shut = false;
        bool read_asked = false;   // the server tried to read since the last watch()
        std::uint64_t close_deadline_ms = 0;
        std::uint8_t outbox[kOutbox];
        std::size_t out_len = 0;
    };
    bool open_listener(int index);
    bool flush(Connection& c);
    void release(Connection& c);

    std::uint16_t ports_[2];
    int listeners_[2] = {-1, -1};
    int port_holders_[2] = {-1, -1};   // bound, never listening: they hold the ports
    bool accept_asked_ = true;
    Connection connections_[kConnections];
};

}  // namespace native
