#pragma once
// The device's user interface hardware: the SETUP/MODE button and the RGB status LED.
// On the boards: PC7 (pull-up, pressed = low) and TIM2 CH2–CH4 PWM (spec led-and-button.md
// §1). On the emulated devices the bench plays both (protocol/fixture.md).
#include <cstdint>

namespace hal {

class ModeButton {
public:
    virtual ~ModeButton() = default;
    virtual bool pressed() = 0;  // the pin's level, sampled on the 10 ms UI tick
};

class RgbLed {
public:
    virtual ~RgbLed() = default;
    // Compare values per channel, 0..10000 (the LED is lit for value/10000 of each period).
    virtual void drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) = 0;
};

}  // namespace hal
