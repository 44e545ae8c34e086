#pragma once
// The bench's commands on the native device's fixture socket (protocol/fixture.md): HELLO,
// the SETUP button, and a reset (power cycle) that may hold the button down from the start,
// for the bootloader's gestures.
#include "core/bench_button.hpp"
#include "core/device.hpp"
#include "fixture_socket.hpp"
#include "native_system.hpp"

namespace native {

class BenchCommands final : public FixtureCommands {
public:
    BenchCommands(core::BenchButton& button, ProcessControl& control)
        : button_(button), control_(control) {}
    // The device HELLO re-announces; set once it exists.
    void attach(core::Device* device) { device_ = device; }
    void run(const char* line, char* answer, std::size_t size) override;

private:
    core::BenchButton& button_;
    ProcessControl& control_;
    core::Device* device_ = nullptr;
};

}  // namespace native
