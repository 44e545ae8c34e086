// Firmware entry for the STM32F205 boards (Photon, P1, Electron) and QEMU netduino2.
#ifndef PIO_UNIT_TESTING

#include "board_services.hpp"
#include "core/device.hpp"
#include "registers.hpp"
#include "reset_control.hpp"
#include "running_image.hpp"
#include "systick_clock.hpp"
#include "usart_port.hpp"

int main() {
    board::init_clocks();
    static stm32f2::SysTickClock clock;
    clock.start();
    auto& console = stm32f2::usart1_console();
    console.init(60000000u, 9600u);  // PCLK2 = 60 MHz

    static hal::Identity identity{};
    board::read_identity(identity);

    const core::PlatformInfo& platform = *core::platform_by_id(PLATFORM_ID);
    static core::RunningImage image{};
    stm32f2::read_running_image(platform, image);

    static stm32f2::ResetControl control;
    const board::Ui ui = board::ui(clock);
    static core::Device device(core::Board{platform, console, board::dct_storage(), clock,
                                           control, board::event_log(), identity,
                                           board::entropy(),
                                           platform.has_wifi ? board::radio(clock) : nullptr,
                                           platform.has_wifi ? board::setup_ap() : nullptr,
                                           image, platform.listen_timeout_ms, ui.button,
                                           ui.led, ui.led_watcher, ui.report,
                                           board::updates(image), board::test_pads()});
    board::start_channels();
    device.boot(control.boot_mode());
    for (;;) {
        board::poll(device);
        device.step();
        asm volatile("wfi");  // the next SysTick or received byte wakes us
    }
}

#endif  // PIO_UNIT_TESTING
