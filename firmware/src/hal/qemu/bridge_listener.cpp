#include "bridge_listener.hpp"

#include "../stm32f2/board_services.hpp"
#include "../stm32f2/usart_port.hpp"

namespace qemu {
namespace {

stm32f2::UsartPort& usart2() {
    static stm32f2::UsartPort port(stm32f2::USART2, stm32f2::kUsart2Irq, stm32f2::kRccApb1enr,
                                   17);
    return port;
}

}  // namespace

void start_bridge() {
    usart2().init(30000000u, 115200u);  // PCLK1 = 30 MHz; QEMU ignores the rate
    bridge_listener().begin();
}

core::BridgeLink& bridge_listener() {
    static core::BridgeLink link(usart2(), board::event_log());
    return link;
}

}  // namespace qemu

extern "C" void USART2_IRQHandler() { qemu::usart2().on_interrupt(); }
