#include "core/product_hello.hpp"

namespace core {
namespace {

// Unlike the module's little-endian fields, CoAP and the HELLO payload are big-endian.
std::uint8_t* put_be16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
    return p + 2;
}

}  // namespace

HelloMessage build_hello(const HelloFields& fields, hello::Transport transport,
                         const std::uint8_t* device_id) {
    const bool udp = transport == hello::Transport::udp;
    HelloMessage m{};
    std::uint8_t* p = m.bytes;
    *p++ = udp ? 0x40 : 0x50;  // CoAP version 1, CON (UDP) or NON (TCP), no token
    *p++ = 0x02;               // POST
    p = put_be16(p, fields.message_id);
    *p++ = 0xB1;               // Uri-Path (option 11), 1 byte
    *p++ = 'h';
    *p++ = 0xFF;               // payload marker
    p = put_be16(p, fields.product_id);
    p = put_be16(p, fields.product_version);
    p = put_be16(p, fields.flags);
    p = put_be16(p, fields.platform_id);
    if (udp) {
        p = put_be16(p, hello::kDeviceIdSize);
        for (std::size_t i = 0; i < hello::kDeviceIdSize; ++i) *p++ = device_id[i];
    }
    m.size = static_cast<std::size_t>(p - m.bytes);
    return m;
}

}  // namespace core
