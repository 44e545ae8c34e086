#include "usart_port.hpp"

namespace stm32f2 {

UsartPort& usart1_console() {
    static UsartPort console(USART1, kUsart1Irq, kRccApb2enr, 4);
    return console;
}

void UsartPort::init(std::uint32_t pclk_hz, std::uint32_t baud) {
    *reinterpret_cast<volatile std::uint32_t*>(enable_reg_) |= 1u << enable_bit_;
    regs_->BRR = pclk_hz / baud;
    regs_->CR1 = (1u << 13) | (1u << 5) | (1u << 3) | (1u << 2);  // UE RXNEIE TE RE
    nvic_enable(irq_);
}

void UsartPort::on_interrupt() {
    while (regs_->SR & kUsartRxne) {
        const std::size_t used = (head_ - tail_) % kRing;
        if (used >= kHighWater) {  // leave the byte in DR until the ring drains
            nvic_disable(irq_);
            return;
        }
        ring_[head_ % kRing] = static_cast<std::uint8_t>(regs_->DR);
        head_ = head_ + 1;
    }
}

std::size_t UsartPort::available() { return (head_ - tail_) % kRing; }

int UsartPort::read() {
    if (head_ == tail_) {
        nvic_enable(irq_);
        return -1;
    }
    const int c = ring_[tail_ % kRing];
    tail_ = tail_ + 1;
    nvic_enable(irq_);  // room again
    return c;
}

void UsartPort::write(const std::uint8_t* data, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
        while (!(regs_->SR & kUsartTxe)) {
        }
        regs_->DR = data[i];
    }
}

}  // namespace stm32f2

extern "C" void USART1_IRQHandler() { stm32f2::usart1_console().on_interrupt(); }
