#pragma once
// An in-memory setup AP: the test opens a connection with the bytes a client sends, steps
// the device, and reads what came back once the device closed the connection.
#include <string>
#include <vector>

#include "hal/setup_listener.hpp"

namespace fake {

class SetupListener final : public hal::SetupListener {
public:
    struct Connection {
        hal::SetupService service;
        std::string inbound;     // what the client sent, not yet read by the device
        bool peer_finished;      // the client half-closed after sending
        std::string outbound;    // everything the device sent
        bool accepted = false;
        bool closed = false;
    };

    bool up = false;
    std::vector<Connection> connections;

    int connect(hal::SetupService service, const std::string& bytes, bool finish = false) {
        connections.push_back({service, bytes, finish, {}});
        return static_cast<int>(connections.size() - 1);
    }

    bool start() override { return up = true; }
    void stop() override {
        up = false;
        for (auto& c : connections) c.closed = true;
    }
    int accept(hal::SetupService* service) override {
        for (std::size_t i = 0; up && i < connections.size(); ++i) {
            if (connections[i].accepted) continue;
            connections[i].accepted = true;
            *service = connections[i].service;
            return static_cast<int>(i);
        }
        return -1;
    }
    long receive(int id, std::uint8_t* buf, std::size_t max) override {
        Connection& c = connections[static_cast<std::size_t>(id)];
        if (c.inbound.empty()) return c.peer_finished ? kPeerFinished : 0;
        const std::size_t n = c.inbound.size() < max ? c.inbound.size() : max;
        c.inbound.copy(reinterpret_cast<char*>(buf), n);
        c.inbound.erase(0, n);
        return static_cast<long>(n);
    }
    bool send(int id, const std::uint8_t* data, std::size_t len) override {
        connections[static_cast<std::size_t>(id)].outbound.append(
            reinterpret_cast<const char*>(data), len);
        return true;
    }
    void close(int id) override { connections[static_cast<std::size_t>(id)].closed = true; }
};

}  // namespace fake
