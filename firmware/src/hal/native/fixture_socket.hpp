#pragma once
// The virtual device's fixture channel: the bench's line protocol (protocol/fixture.md) on a
// 127.0.0.1 TCP port. Each client's command lines are answered to that client; the event
// lines (@LED, @LOOK, @BTN, @MODE) go to every client. A client that stops reading is
// dropped rather than allowed to hold the device up.
#include <poll.h>

#include <cstddef>
#include <cstdint>

#include "hal/console_port.hpp"

namespace native {

// Runs one command line; writes its answer (without the newline) to `answer`.
class FixtureCommands {
public:
    virtual ~FixtureCommands() = default;
    virtual void run(const char* line, char* answer, std::size_t size) = 0;
};

class FixtureSocket final : public hal::ConsolePort {
public:
    static constexpr std::size_t kClients = 4;
    static constexpr std::size_t kMaxLine = 255;

    // Port 0 picks a free one.
    bool open(std::uint16_t port);
    std::uint16_t port() const { return port_; }
    std::size_t watch(pollfd* fds, std::size_t max) const;
    // Accepts clients, reads their lines and answers them.
    void service(FixtureCommands& commands);
    void close();

    // hal::ConsolePort: writes go to every client (the event lines); nothing is read here.
    std::size_t available() override { return 0; }
    int read() override { return -1; }
    void write(const std::uint8_t* data, std::size_t len) override;

private:
    struct Client {
        int fd = -1;
        char line[kMaxLine + 1];
        std::size_t len = 0;
        bool overflow = false;
    };
    void accept_clients();
    void read_client(Client& c, FixtureCommands& commands);
    void send_to(Client& c, const char* data, std::size_t len);
    void drop(Client& c);

    int listener_ = -1;
    std::uint16_t port_ = 0;
    Client clients_[kClients];
};

}  // namespace native
