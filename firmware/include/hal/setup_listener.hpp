#pragma once
// The setup access point's TCP side: the simple protocol (port 5609) and HTTP (port 80).
// A connection is a small integer chosen by the backend. Native: sockets on 127.0.0.1;
// QEMU and real boards: a bridge or the Wi-Fi chip's stack.
#include <cstddef>
#include <cstdint>

namespace hal {

enum class SetupService : std::uint8_t { simple, http };

class SetupListener {
public:
    static constexpr long kPeerFinished = -1;   // orderly end of the peer's data (FIN)
    static constexpr long kBroken = -2;         // reset or gone

    virtual ~SetupListener() = default;
    // The access point comes up (listening on both services) or goes down (listeners
    // and every connection closed).
    virtual bool start() = 0;
    virtual void stop() = 0;
    // A newly accepted connection, or -1.
    virtual int accept(SetupService* service) = 0;
    // Bytes received (> 0), 0 when nothing is waiting, or kPeerFinished / kBroken.
    virtual long receive(int connection, std::uint8_t* buf, std::size_t max) = 0;
    // Queues the whole reply or nothing (false: the connection is beyond saving).
    virtual bool send(int connection, const std::uint8_t* data, std::size_t len) = 0;
    // Closes once everything queued has been sent.
    virtual void close(int connection) = 0;
};

}  // namespace hal
