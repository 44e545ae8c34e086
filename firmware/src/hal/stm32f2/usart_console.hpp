#pragma once
// USART1 as the console byte stream: RX by interrupt into a ring, flow control by masking
// the IRQ in the NVIC while the ring is nearly full (the byte waits in DR, and on QEMU
// RXNE holds the sender back), TX polled.
#include "hal/console_port.hpp"

namespace stm32f2 {

class UsartConsole final : public hal::ConsolePort {
public:
    void init(std::uint32_t pclk_hz, std::uint32_t baud);
    std::size_t available() override;
    int read() override;
    void write(const std::uint8_t* data, std::size_t len) override;
    void on_interrupt();

private:
    static constexpr std::size_t kRing = 512, kHighWater = kRing - 16;
    volatile std::uint8_t ring_[kRing];
    volatile std::size_t head_ = 0, tail_ = 0;
};

UsartConsole& usart1_console();

}  // namespace stm32f2
