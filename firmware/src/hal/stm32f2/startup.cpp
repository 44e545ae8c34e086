// Cortex-M3 start-up for the STM32F205: the 97-word vector table (0x184 bytes, after which
// the module prefix sits), .data/.bss initialisation, static constructors, main().
#include <cstdint>

extern "C" {
extern std::uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
extern char link_module_start[];
extern void (*__init_array_start[])(), (*__init_array_end[])();
int main();
void SysTick_Handler();
void USART1_IRQHandler();
void USART2_IRQHandler();
void USART3_IRQHandler();
void UART4_IRQHandler();

[[noreturn]] void Reset_Handler() {
    // The Particle bootloader jumps here from its own vector table: point VTOR at ours,
    // which the linker script puts at the start of the image.
    *reinterpret_cast<volatile std::uint32_t*>(0xE000ED08u) =
        reinterpret_cast<std::uint32_t>(link_module_start);
    for (auto *src = &_sidata, *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (auto* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    for (auto ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
    main();
    for (;;) {
    }
}

#ifndef PIO_UNIT_TESTING  // unit-test images (QEMU) use newlib's heap and atexit
// Firmware never exits, so destructors of static objects never run; not registering them
// also keeps newlib's atexit, and with it malloc, out of the image (no heap, ever).
int atexit(void (*)()) { return 0; }
#endif

[[noreturn]] void Default_Handler() {
    for (;;) {
    }
}

// Overridden by the backends that use these USARTs (QEMU: network bridge, fixture, test pads).
__attribute__((weak)) void USART2_IRQHandler() { Default_Handler(); }
__attribute__((weak)) void USART3_IRQHandler() { Default_Handler(); }
__attribute__((weak)) void UART4_IRQHandler() { Default_Handler(); }
}

namespace {

using Handler = void (*)();
constexpr unsigned kVectors = 97;  // 16 system + 81 STM32F2 interrupts
constexpr unsigned kSysTick = 15, kUsart1 = 16 + 37, kUsart2 = 16 + 38, kUsart3 = 16 + 39,
                   kUart4 = 16 + 52;

struct VectorTable {
    const void* stack;
    Handler entries[kVectors - 1];
};

constexpr VectorTable make_table() {
    VectorTable t{&_estack, {}};
    for (auto& e : t.entries) e = Default_Handler;
    t.entries[0] = Reset_Handler;
    t.entries[kSysTick - 1] = SysTick_Handler;
    t.entries[kUsart1 - 1] = USART1_IRQHandler;
    t.entries[kUsart2 - 1] = USART2_IRQHandler;
    t.entries[kUsart3 - 1] = USART3_IRQHandler;
    t.entries[kUart4 - 1] = UART4_IRQHandler;
    return t;
}

}  // namespace

__attribute__((section(".isr_vector"), used)) const VectorTable g_vectors = make_table();
static_assert(sizeof(VectorTable) == 0x184, "the module prefix follows a 0x184-byte table");

// Nothing is ever allocated, so nothing is ever deleted; the deleting destructors of the
// HAL interfaces still name operator delete. Defining it here keeps newlib's allocator
// out of the image; reaching it would be a bug, so it stops.
#ifndef PIO_UNIT_TESTING
void operator delete(void*) noexcept { Default_Handler(); }
void operator delete(void*, unsigned int) noexcept { Default_Handler(); }
#endif
