#pragma once
// Text output to the console port.
#include "core/text_output.hpp"
#include "hal/console_port.hpp"

namespace core {

class ConsoleOutput final : public TextOutput {
public:
    explicit ConsoleOutput(hal::ConsolePort& port) : port_(port) {}
    void bytes(const void* p, std::size_t n) override {
        port_.write(static_cast<const std::uint8_t*>(p), n);
    }

private:
    hal::ConsolePort& port_;
};

}  // namespace core
