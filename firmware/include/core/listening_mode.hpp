#pragma once
// Listening mode state: entered with a reason, left with a reason, optional timeout
// (Electron 5 minutes by default, Photon/P1 none).
#include <cstdint>

namespace core {

class ListeningMode {
public:
    explicit ListeningMode(std::uint32_t timeout_ms) : timeout_ms_(timeout_ms) {}

    bool active() const { return active_; }
    void enter(std::uint32_t now_ms) {
        active_ = true;
        since_ms_ = now_ms;
    }
    void exit() { active_ = false; }
    bool timed_out(std::uint32_t now_ms) const {
        return active_ && timeout_ms_ != 0 && now_ms - since_ms_ >= timeout_ms_;
    }

private:
    std::uint32_t timeout_ms_;
    std::uint32_t since_ms_ = 0;
    bool active_ = false;
};

}  // namespace core
