#pragma once
// The byte stream the setup console talks over (USB CDC "Serial" on a real board).
#include <cstddef>
#include <cstdint>

namespace hal {

class ConsolePort {
public:
    virtual ~ConsolePort() = default;
    // Number of received bytes waiting to be read.
    virtual std::size_t available() = 0;
    // Next received byte, or -1 when none is waiting.
    virtual int read() = 0;
    // Queue bytes for the host. While no host has the port open (DTR low on USB CDC)
    // they are dropped, exactly like Device OS does.
    virtual void write(const std::uint8_t* data, std::size_t len) = 0;
};

}  // namespace hal
