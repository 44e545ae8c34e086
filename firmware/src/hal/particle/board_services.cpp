// Photon, P1, Electron. The Particle bootloader has already started the HSE/PLL at 120 MHz
// before it jumps to 0x08020000, so the clock tree is left as found.
#include "../stm32f2/board_services.hpp"

#include <cstring>

#include "../stm32f2/registers.hpp"
#include "../stm32f2/usart_port.hpp"
#include "internal_flash_storage.hpp"
#include "rng_entropy.hpp"

namespace {

// The boards have no log channel yet: the console port is the protocol, and the test pads
// share its UART, where log text would disturb the console (protocol/test-mode.md).
class NoLog final : public hal::EventLog {
public:
    void event(const char*, const char*) override {}
};

}  // namespace

namespace board {

void init_clocks() {}

hal::Storage& dct_storage() {
    static stm32f2::InternalFlashStorage storage;
    return storage;
}

hal::EventLog& event_log() {
    static NoLog log;
    return log;
}

hal::Entropy& entropy() {
    static stm32f2::RngEntropy rng;
    return rng;
}

void read_identity(hal::Identity& out) {
    std::memcpy(out.device_id, reinterpret_cast<const void*>(stm32f2::kUid), 12);
}

hal::SetupListener* setup_ap() { return nullptr; }

// Not yet: staging needs the OTA-region flash driver and installing needs Device OS's
// bootloader slots in the DCT. Until then a file sent over the console is refused at its header.
hal::UpdateStore* updates(const core::RunningImage&) { return nullptr; }

hal::Radio* radio(hal::Clock&) { return nullptr; }

// Serial1's pins are the test pads, and until the USB CDC driver exists the setup console is
// on the same USART: the device shares it (the console until the preamble, then test mode).
hal::ConsolePort* test_pads() { return &stm32f2::usart1_console(); }

Ui ui(hal::Clock&) { return {nullptr, nullptr, nullptr, nullptr}; }
void start_channels() {}
void poll(core::Device&) {}

}  // namespace board
