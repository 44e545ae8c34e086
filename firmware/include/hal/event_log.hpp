#pragma once

namespace hal {

// One-line notices about state changes (listening mode, configuration writes), for people
// and test harnesses. Never given secrets: no passwords, keys or claim codes.
class EventLog {
public:
    virtual ~EventLog() = default;
    virtual void event(const char* category, const char* text) = 0;
};

}  // namespace hal
