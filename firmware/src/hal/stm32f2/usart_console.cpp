#include "usart_console.hpp"

#include "registers.hpp"

namespace stm32f2 {

UsartConsole& usart1_console() {
    static UsartConsole console;
    return console;
}

void UsartConsole::init(std::uint32_t pclk_hz, std::uint32_t baud) {
    reg<kRccApb2enr>() |= 1u << 4;  // USART1EN
    USART1->BRR = pclk_hz / baud;
    USART1->CR1 = (1u << 13) | (1u << 5) | (1u << 3) | (1u << 2);  // UE RXNEIE TE RE
    nvic_enable(kUsart1Irq);
}

void UsartConsole::on_interrupt() {
    while (USART1->SR & kUsartRxne) {
        const std::size_t used = (head_ - tail_) % kRing;
        if (used >= kHighWater) {  // leave the byte in DR until the ring drains
            nvic_disable(kUsart1Irq);
            return;
        }
        ring_[head_ % kRing] = static_cast<std::uint8_t>(USART1->DR);
        head_ = head_ + 1;
    }
}

std::size_t UsartConsole::available() { return (head_ - tail_) % kRing; }

int UsartConsole::read() {
    if (head_ == tail_) {
        nvic_enable(kUsart1Irq);
        return -1;
    }
    const int c = ring_[tail_ % kRing];
    tail_ = tail_ + 1;
    nvic_enable(kUsart1Irq);  // room again
    return c;
}

void UsartConsole::write(const std::uint8_t* data, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
        while (!(USART1->SR & kUsartTxe)) {
        }
        USART1->DR = data[i];
    }
}

}  // namespace stm32f2

extern "C" void USART1_IRQHandler() { stm32f2::usart1_console().on_interrupt(); }
