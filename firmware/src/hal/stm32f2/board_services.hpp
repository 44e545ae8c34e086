#pragma once
// What differs between the STM32F205 boards: real Particle hardware (hal/particle) and
// QEMU netduino2 (hal/qemu). Everything else in hal/stm32f2 is shared register-level code.
#include <cstdint>

#include "core/device.hpp"
#include "hal/clock.hpp"
#include "hal/console_port.hpp"
#include "hal/entropy.hpp"
#include "hal/event_log.hpp"
#include "hal/identity.hpp"
#include "hal/radio.hpp"
#include "hal/setup_listener.hpp"
#include "hal/status_ui.hpp"
#include "hal/storage.hpp"
#include "hal/update_store.hpp"

namespace board {

// Clock tree set-up; QEMU models no RCC, and waiting on it would hang.
void init_clocks();
hal::Storage& dct_storage();
hal::EventLog& event_log();
// The RNG peripheral on the boards; a weak host-derived seed on QEMU (no RNG model).
hal::Entropy& entropy();
// The factory identity: the MCU's UID as device id on the boards (the Wi-Fi MAC and modem
// data come with the radio drivers); device id and MAC from QEMU's command line (its UID
// reads 0).
void read_identity(hal::Identity& out);
// The setup AP's servers: the USART2 network bridge on QEMU; nullptr on the boards until the
// Wi-Fi driver exists.
hal::SetupListener* setup_ap();
// The Wi-Fi radio, for platforms that have one: on QEMU a simulated one whose networks the
// host sends over the fixture channel; nullptr on the boards until the Wi-Fi driver exists.
hal::Radio* radio(hal::Clock& clock);
// The SETUP button and the status LED, and who hears about them: on QEMU the bench plays
// both over the fixture channel; all nullptr on the boards until the PC7/TIM2 drivers exist.
struct Ui {
    hal::ModeButton* button;
    hal::RgbLed* led;
    core::led::LedWatcher* led_watcher;
    core::bench::UiReport* report;
};
Ui ui(hal::Clock& clock);
// Where firmware received over the console is staged: a semihosted host file on QEMU (the
// runner installs it); nullptr on the boards until the OTA-region flash driver exists.
hal::UpdateStore* updates(const core::RunningImage& image);
// The manufacturing test pads (protocol/test-mode.md): on the boards USART1, shared with the
// console (Serial1); on QEMU UART4, a port of its own that also carries the event log.
hal::ConsolePort* test_pads();
// Channels beyond the console, started before the device boots (QEMU: the bridge and the
// fixture channel greet the host).
void start_channels();
// One pass over those channels, feeding what the host asks for to the device.
void poll(core::Device& device);

}  // namespace board
