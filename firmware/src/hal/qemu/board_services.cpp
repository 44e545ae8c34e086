// QEMU netduino2: no RCC model (clock set-up would hang), DCT in a semihosted host file,
// event log on QEMU's stderr through semihosting, identity and seed from the command line,
// the setup AP over the USART2 bridge, the bench (line coding, the Wi-Fi networks the
// simulated radio sees) over the USART3 fixture channel, and the manufacturing test pads on
// UART4, which carry the event log too, as a board's debug UART would.
#include "../stm32f2/board_services.hpp"

#include <cstring>

#include "../stm32f2/reset_control.hpp"
#include "../stm32f2/usart_port.hpp"
#include "core/bench_button.hpp"
#include "core/bench_lines.hpp"
#include "core/test_pads_log.hpp"
#include "boot_arguments.hpp"
#include "bridge_listener.hpp"
#include "fixture_channel.hpp"
#include "fixture_radio.hpp"
#include "host_seed_entropy.hpp"
#include "semihosted_flash.hpp"
#include "semihosted_update_store.hpp"
#include "semihosting.hpp"

namespace {

class SemihostedLog final : public hal::EventLog {
public:
    void event(const char* category, const char* text) override {
        qemu::write_stderr("[");
        qemu::write_stderr(category);
        qemu::write_stderr("] ");
        qemu::write_stderr(text);
        qemu::write_stderr("\n");
    }
};

stm32f2::UsartPort& usart3() {
    static stm32f2::UsartPort port(stm32f2::USART3, stm32f2::kUsart3Irq, stm32f2::kRccApb1enr,
                                   18);
    return port;
}

// Started on first use: the event log writes to it from the first event on.
stm32f2::UsartPort& uart4() {
    static stm32f2::UsartPort port(stm32f2::UART4, stm32f2::kUart4Irq, stm32f2::kRccApb1enr, 19);
    static const bool started = [] {
        port.init(30000000u, 115200u);  // PCLK1 = 30 MHz; QEMU ignores the rate
        return true;
    }();
    (void)started;
    return port;
}

qemu::FixtureChannel& fixture() {
    static qemu::FixtureChannel channel(usart3());
    return channel;
}

// Set by board::radio(): the Photon and P1 have one, the Electron none.
qemu::FixtureRadio* fixture_radio = nullptr;
// Set by board::ui(): the bench's finger on the SETUP button.
core::BenchButton* bench_button = nullptr;

// A RESET HOLD survives the reset it asks for (QEMU keeps RAM outside the loaded image).
constexpr std::uint32_t kHoldValid = 0x484F4C44;  // "HOLD"
struct RetainedHold {
    std::uint32_t valid;
    std::uint32_t ms;
};
__attribute__((section(".noinit"))) RetainedHold g_hold;

// Device OS acts on the USB CDC line coding; here the host runner watches the console's pty
// and reports the rate a client set. It also tells the simulated radio what networks exist.
class HostEvents final : public qemu::FixtureEvents {
public:
    explicit HostEvents(core::Device& device) : device_(device) {}
    void bit_rate_set(std::uint32_t rate) override {
        if (rate == 28800) device_.start_listening(core::ListenReason::host_request);
        if (rate == 14400) board::event_log().event("system", "DFU requested: not available");
    }
    qemu::FixtureRadio* radio() override { return fixture_radio; }
    core::BenchButton& button() override { return *bench_button; }
    void reset(std::uint32_t hold_ms) override {
        g_hold = {hold_ms ? kHoldValid : 0, hold_ms};
        stm32f2::ResetControl().reset(hal::BootMode::normal);
    }
    void announce() override { device_.announce_ui(); }

private:
    core::Device& device_;
};

}  // namespace

extern "C" void USART3_IRQHandler() { usart3().on_interrupt(); }
extern "C" void UART4_IRQHandler() { uart4().on_interrupt(); }

namespace board {

void init_clocks() {}

hal::Storage& dct_storage() {
    static qemu::SemihostedFlash flash(qemu::boot_arguments().dct_path);
    return flash;
}

hal::EventLog& event_log() {
    static SemihostedLog semihosted;
    static core::TestPadsLog log(semihosted, uart4());  // QEMU's stderr and the test pads
    return log;
}

hal::ConsolePort* test_pads() { return &uart4(); }

hal::Entropy& entropy() {
    const qemu::BootArguments& args = qemu::boot_arguments();
    static qemu::HostSeedEntropy seed(args.seed, args.seed_len, args.device_id);
    return seed;
}

void read_identity(hal::Identity& out) {
    const qemu::BootArguments& args = qemu::boot_arguments();
    std::memcpy(out.device_id, args.device_id, sizeof out.device_id);
    std::memcpy(out.mac, args.mac, sizeof out.mac);
    static_assert(sizeof out.imei == sizeof args.imei && sizeof out.iccid == sizeof args.iccid,
                  "the boot arguments carry the modem identity as is");
    std::memcpy(out.imei, args.imei, sizeof out.imei);
    std::memcpy(out.iccid, args.iccid, sizeof out.iccid);
}

hal::UpdateStore* updates(const core::RunningImage& image) {
    // The images run from where this one was linked (0x08000000, no bootloader).
    static qemu::SemihostedUpdateStore store(qemu::boot_arguments().ota_path,
                                             {image.slot_start, image.slot_size});
    return &store;
}

hal::SetupListener* setup_ap() { return &qemu::bridge_listener(); }

Ui ui(hal::Clock& clock) {
    static core::BenchButton button(clock);
    static core::bench::EventLines events(clock, usart3());
    bench_button = &button;
    if (g_hold.valid == kHoldValid) button.script(1, g_hold.ms, 0);  // before the boot looks
    g_hold.valid = 0;
    return {&button, &events, &events, &events};
}

hal::Radio* radio(hal::Clock& clock) {
    static qemu::FixtureRadio simulated(clock);
    fixture_radio = &simulated;
    return &simulated;
}

void start_channels() {
    qemu::start_bridge();
    usart3().init(30000000u, 115200u);  // PCLK1 = 30 MHz; QEMU ignores the rate
    fixture().begin();
}

void poll(core::Device& device) {
    qemu::bridge_listener().poll();
    HostEvents events(device);
    fixture().poll(events);
}

}  // namespace board
