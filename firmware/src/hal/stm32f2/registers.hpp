#pragma once
// STM32F205 registers used by the shared low-level drivers (RM0033).
#include <cstdint>

namespace stm32f2 {

template <std::uint32_t address>
inline volatile std::uint32_t& reg() {
    return *reinterpret_cast<volatile std::uint32_t*>(address);
}

struct Usart {
    volatile std::uint32_t SR, DR, BRR, CR1, CR2, CR3, GTPR;
};
inline Usart* const USART1 = reinterpret_cast<Usart*>(0x40011000u);
inline Usart* const USART2 = reinterpret_cast<Usart*>(0x40004400u);
inline Usart* const USART3 = reinterpret_cast<Usart*>(0x40004800u);
inline Usart* const UART4 = reinterpret_cast<Usart*>(0x40004C00u);  // QEMU: the test pads
constexpr std::uint32_t kUsartRxne = 1u << 5, kUsartTxe = 1u << 7;

struct SysTickRegs {
    volatile std::uint32_t CTRL, LOAD, VAL, CALIB;
};
inline SysTickRegs* const SYSTICK = reinterpret_cast<SysTickRegs*>(0xE000E010u);

constexpr std::uint32_t kNvicIser = 0xE000E100u, kNvicIcer = 0xE000E180u;
constexpr std::uint32_t kScbAircr = 0xE000ED0Cu;
constexpr std::uint32_t kRccApb1enr = 0x40023840u, kRccApb2enr = 0x40023844u;
constexpr std::uint32_t kUid = 0x1FFF7A10u;
constexpr unsigned kUsart1Irq = 37, kUsart2Irq = 38, kUsart3Irq = 39, kUart4Irq = 52;

struct FlashRegs {
    volatile std::uint32_t ACR, KEYR, OPTKEYR, SR, CR, OPTCR;
};
inline FlashRegs* const FLASH = reinterpret_cast<FlashRegs*>(0x40023C00u);

inline void nvic_enable(unsigned irq) {
    *reinterpret_cast<volatile std::uint32_t*>(kNvicIser + 4 * (irq / 32)) = 1u << (irq % 32);
}
inline void nvic_disable(unsigned irq) {
    *reinterpret_cast<volatile std::uint32_t*>(kNvicIcer + 4 * (irq / 32)) = 1u << (irq % 32);
}

}  // namespace stm32f2
