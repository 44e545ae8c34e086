#pragma once
// The setup AP on QEMU: the network bridge protocol (core::BridgeLink,
// protocol/qemu-bridge.md) over USART2, which QEMU connects to its second -serial.
#include "core/bridge_link.hpp"

namespace qemu {

// Brings USART2 up and greets the host (HELLO); before the device boots.
void start_bridge();
// The listener the SoftAP server uses; poll() it every loop pass.
core::BridgeLink& bridge_listener();

}  // namespace qemu
