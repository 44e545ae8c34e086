#pragma once
// Test-mode payloads (protocol/test-mode.md "Types"): the requests the device parses and the
// replies it writes. A reply payload is the status byte, then (for ok) the fields written
// here. All integers little-endian; text is a u8 length and its bytes.
#include <cstddef>
#include <cstdint>

#include "hal/radio.hpp"

namespace core {
namespace test_mode {

constexpr std::size_t kMaxScanNetworks = 20;
constexpr std::size_t kMaxKey = 64;
constexpr std::uint16_t kMaxJoinTimeoutS = 120;
// The largest reply payload: SCAN with 20 networks of 32-byte SSIDs.
constexpr std::size_t kMaxReplyPayload = 2 + kMaxScanNetworks * (1 + 32 + 4 + 1 + 2);

// Writes into a fixed buffer; once something does not fit, ok() turns false and nothing
// more is written.
class PayloadWriter {
public:
    PayloadWriter(std::uint8_t* out, std::size_t capacity) : out_(out), cap_(capacity) {}
    void u8(std::uint8_t v) { bytes(&v, 1); }
    void u16(std::uint16_t v);
    void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
    void u32(std::uint32_t v);
    void bytes(const std::uint8_t* data, std::size_t len);
    void zeros(std::size_t len);
    // A u8 length and the text up to its NUL, at most `max` bytes (and 255).
    void text8(const char* text, std::size_t max);
    bool ok() const { return ok_; }
    std::size_t size() const { return len_; }

private:
    std::uint8_t* out_;
    std::size_t cap_;
    std::size_t len_ = 0;
    bool ok_ = true;
};

// JOIN: u8 ssid_len (1..32), ssid, u32 security, u8 key_len (<= 64), key, u16 timeout_s
// (1..120), nothing after.
struct JoinFields {
    char ssid[33];          // NUL-terminated copy
    std::uint8_t ssid_len;
    std::uint32_t security;
    std::uint8_t key[kMaxKey];
    std::uint8_t key_len;
    std::uint16_t timeout_s;
};
bool parse_join(const std::uint8_t* payload, std::size_t len, JoinFields* out);

// LED: r, g, b, hold (0 or 1).
struct LedFields {
    std::uint32_t rgb;  // 0xRRGGBB
    bool hold;
};
bool parse_led(const std::uint8_t* payload, std::size_t len, LedFields* out);

// What IDENTIFY reports. Text fields are NUL-terminated (or fill their arrays); a null
// sha256 or mac is written as zeros.
struct Identification {
    const std::uint8_t* device_id;  // 12 bytes
    std::uint16_t platform_id;
    std::uint16_t product_id;
    std::uint16_t product_version;
    std::uint8_t module_function;
    std::uint8_t module_index;
    std::uint16_t module_version;
    const char* system_version;
    const std::uint8_t* sha256;     // 32 bytes or nullptr
    const std::uint8_t* mac;        // 6 bytes or nullptr
    const char* imei;
    const char* iccid;
    const char* serial_number;
};

// The fields after status ok.
void write_ping(PayloadWriter& w);
void write_hello(PayloadWriter& w, const std::uint8_t device_id[12]);
void write_identify(PayloadWriter& w, const Identification& id);
// At most kMaxScanNetworks of `count`.
void write_scan(PayloadWriter& w, const hal::AccessPoint* networks, std::size_t count);
void write_rssi(PayloadWriter& w, std::int16_t rssi, const char* ssid, std::size_t ssid_len);
void write_join(PayloadWriter& w, std::int16_t rssi);
void write_button(PayloadWriter& w, bool pressed, std::uint16_t presses);

}  // namespace test_mode
}  // namespace core
