#include "reset_control.hpp"

#include "registers.hpp"

namespace {

constexpr std::uint32_t kValid = 0x48524B42;  // marks the words below as written by us

struct Retained {
    std::uint32_t valid;
    std::uint32_t safe_mode;
    std::uint32_t listen_flag;
};

__attribute__((section(".noinit"))) Retained g_retained;

bool retained_valid() { return g_retained.valid == kValid; }

}  // namespace

namespace stm32f2 {

hal::BootMode ResetControl::boot_mode() {
    const bool safe = retained_valid() && g_retained.safe_mode == 1;
    if (retained_valid()) g_retained.safe_mode = 0;  // one boot only
    return safe ? hal::BootMode::safe : hal::BootMode::normal;
}

void ResetControl::reset(hal::BootMode next) {
    if (!retained_valid()) g_retained = {kValid, 0, 0};
    g_retained.safe_mode = next == hal::BootMode::safe ? 1 : 0;
    asm volatile("dsb" ::: "memory");
    reg<kScbAircr>() = (0x5FAu << 16) | (1u << 2);  // VECTKEY | SYSRESETREQ
    for (;;) {
    }
}

std::uint32_t ResetControl::listen_flag_register() {
    return retained_valid() ? g_retained.listen_flag : 0;
}

void ResetControl::set_listen_flag_register(std::uint32_t value) {
    if (!retained_valid()) g_retained = {kValid, 0, 0};
    g_retained.listen_flag = value;
}

}  // namespace stm32f2
