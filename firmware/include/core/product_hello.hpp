#pragma once
// The HELLO a Gen 2 device sends first once its cloud session is up: the CoAP plaintext
// that tells the cloud the product id, product firmware version, HELLO flags and platform
// (product-id.md §5). Built into a fixed buffer; nothing sends it yet.
#include <cstddef>
#include <cstdint>

namespace core {

namespace hello {

// HELLO flags (product-id.md §5.2).
enum Flag : std::uint16_t {
    kOtaUpgradeSuccessful = 0x01,
    kDiagnosticsSupport = 0x02,
    kImmediateUpdatesSupport = 0x04,
    kGoodbyeSupport = 0x10,
    kDeviceInitiatedDescribe = 0x20,
    kCompressedOta = 0x40,  // never on Gen 2: it cannot decompress
};
// What a Gen 2 device always advertises under Device OS 1.5.x and 2.x.
constexpr std::uint16_t kDeviceOs15Flags = kDiagnosticsSupport | kImmediateUpdatesSupport;
constexpr std::uint16_t kDeviceOs2Flags =
    kDeviceOs15Flags | kGoodbyeSupport | kDeviceInitiatedDescribe;

// TCP (LightSSL: Photon, P1) sends a NON message; UDP (DTLS: Electron) a CON message that
// also carries the 12-byte device id.
enum class Transport : std::uint8_t { tcp, udp };

constexpr std::size_t kDeviceIdSize = 12;
constexpr std::size_t kTcpSize = 15, kUdpSize = kTcpSize + 2 + kDeviceIdSize;

}  // namespace hello

struct HelloFields {
    std::uint16_t message_id;  // 0 when the channel stamps its next id on send
    std::uint16_t product_id;
    std::uint16_t product_version;
    std::uint16_t flags;       // hello::Flag bits
    std::uint16_t platform_id;
};

struct HelloMessage {
    std::uint8_t bytes[hello::kUdpSize];
    std::size_t size;
};

// `device_id` (hello::kDeviceIdSize bytes) is read for UDP only.
HelloMessage build_hello(const HelloFields& fields, hello::Transport transport,
                         const std::uint8_t* device_id);

}  // namespace core
