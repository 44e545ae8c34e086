#pragma once
// A USART as a byte stream, shared by the boards and QEMU: RX by interrupt into a ring, flow
// control by masking the IRQ in the NVIC while the ring is nearly full (the byte waits in
// DR, and on QEMU RXNE holds the sender back; clearing RXNEIE instead livelocks the ISR on
// QEMU), TX polled (QEMU raises no TXE interrupt). Used for the console (USART1) and, on
// QEMU, the network bridge (USART2), the fixture channel (USART3) and the test pads (UART4).
#include "hal/console_port.hpp"
#include "registers.hpp"

namespace stm32f2 {

class UsartPort final : public hal::ConsolePort {
public:
    // `enable_reg`/`enable_bit`: the peripheral's clock enable in RCC (APB1ENR/APB2ENR).
    UsartPort(Usart* regs, unsigned irq, std::uint32_t enable_reg, unsigned enable_bit)
        : regs_(regs), irq_(irq), enable_reg_(enable_reg), enable_bit_(enable_bit) {}

    void init(std::uint32_t pclk_hz, std::uint32_t baud);
    std::size_t available() override;
    int read() override;
    void write(const std::uint8_t* data, std::size_t len) override;
    void on_interrupt();

private:
    static constexpr std::size_t kRing = 512, kHighWater = kRing - 16;
    Usart* regs_;
    unsigned irq_;
    std::uint32_t enable_reg_;
    unsigned enable_bit_;
    volatile std::uint8_t ring_[kRing] = {};
    volatile std::size_t head_ = 0, tail_ = 0;
};

// The console: USART1 (APB2, PCLK2 = 60 MHz). Its IRQ handler lives with it.
UsartPort& usart1_console();

}  // namespace stm32f2
