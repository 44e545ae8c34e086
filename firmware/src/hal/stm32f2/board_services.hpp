#pragma once
// What differs between the STM32F205 boards: real Particle hardware (hal/particle) and
// QEMU netduino2 (hal/qemu). Everything else in hal/stm32f2 is shared register-level code.
#include "hal/entropy.hpp"
#include "hal/event_log.hpp"
#include "hal/storage.hpp"

namespace board {

// Clock tree set-up; QEMU models no RCC, and waiting on it would hang.
void init_clocks();
hal::Storage& dct_storage();
hal::EventLog& event_log();
// The RNG peripheral on the boards; a weak host-derived seed on QEMU (no RNG model).
hal::Entropy& entropy();

}  // namespace board
