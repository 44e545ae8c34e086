#include "core/test_mode_payload.hpp"

#include <cstring>

#include "core/le_bytes.hpp"
#include "core/test_mode_frame.hpp"

namespace core {
namespace test_mode {

void PayloadWriter::u16(std::uint16_t v) {
    std::uint8_t b[2];
    put_le16(b, v);
    bytes(b, sizeof b);
}

void PayloadWriter::u32(std::uint32_t v) {
    std::uint8_t b[4];
    put_le32(b, v);
    bytes(b, sizeof b);
}

void PayloadWriter::bytes(const std::uint8_t* data, std::size_t len) {
    if (!ok_ || len > cap_ - len_) {
        ok_ = false;
        return;
    }
    if (len) std::memcpy(out_ + len_, data, len);
    len_ += len;
}

void PayloadWriter::zeros(std::size_t len) {
    if (!ok_ || len > cap_ - len_) {
        ok_ = false;
        return;
    }
    std::memset(out_ + len_, 0, len);
    len_ += len;
}

void PayloadWriter::text8(const char* text, std::size_t max) {
    if (max > 255) max = 255;
    std::size_t n = 0;
    while (n < max && text[n] != '\0') ++n;
    u8(static_cast<std::uint8_t>(n));
    bytes(reinterpret_cast<const std::uint8_t*>(text), n);
}

bool parse_join(const std::uint8_t* p, std::size_t len, JoinFields* out) {
    std::size_t at = 0;
    // ssid_len, ssid, security, key_len: each checked against what is left.
    if (len < 1) return false;
    const std::size_t ssid_len = p[at++];
    if (ssid_len < 1 || ssid_len > 32 || len - at < ssid_len + 4 + 1) return false;
    std::memcpy(out->ssid, p + at, ssid_len);
    out->ssid[ssid_len] = '\0';
    out->ssid_len = static_cast<std::uint8_t>(ssid_len);
    at += ssid_len;
    out->security = le32(p + at);
    at += 4;
    const std::size_t key_len = p[at++];
    if (key_len > kMaxKey || len - at != key_len + 2) return false;
    std::memcpy(out->key, p + at, key_len);
    out->key_len = static_cast<std::uint8_t>(key_len);
    at += key_len;
    out->timeout_s = le16(p + at);
    return out->timeout_s >= 1 && out->timeout_s <= kMaxJoinTimeoutS;
}

bool parse_led(const std::uint8_t* p, std::size_t len, LedFields* out) {
    if (len != 4 || p[3] > 1) return false;
    out->rgb = static_cast<std::uint32_t>(p[0]) << 16 | static_cast<std::uint32_t>(p[1]) << 8 |
               p[2];
    out->hold = p[3] == 1;
    return true;
}

void write_ping(PayloadWriter& w) {
    w.u8(kVersion);
    w.u16(static_cast<std::uint16_t>(kMaxPayload));
}

void write_hello(PayloadWriter& w, const std::uint8_t device_id[12]) {
    w.u8(kVersion);
    w.bytes(device_id, 12);
}

void write_identify(PayloadWriter& w, const Identification& id) {
    w.bytes(id.device_id, 12);
    w.u16(id.platform_id);
    w.u16(id.product_id);
    w.u16(id.product_version);
    w.u8(id.module_function);
    w.u8(id.module_index);
    w.u16(id.module_version);
    w.text8(id.system_version, 255);
    if (id.sha256) w.bytes(id.sha256, 32);
    else w.zeros(32);
    if (id.mac) w.bytes(id.mac, 6);
    else w.zeros(6);
    w.text8(id.imei, 255);
    w.text8(id.iccid, 255);
    w.text8(id.serial_number, 255);
}

void write_scan(PayloadWriter& w, const hal::AccessPoint* networks, std::size_t count) {
    if (count > kMaxScanNetworks) count = kMaxScanNetworks;
    w.u8(static_cast<std::uint8_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
        const hal::AccessPoint& ap = networks[i];
        const std::size_t n = ap.ssid_len <= 32 ? ap.ssid_len : 32;
        w.u8(static_cast<std::uint8_t>(n));
        w.bytes(reinterpret_cast<const std::uint8_t*>(ap.ssid), n);
        w.u32(ap.security);
        w.u8(ap.channel);
        w.i16(ap.rssi);
    }
}

void write_rssi(PayloadWriter& w, std::int16_t rssi, const char* ssid, std::size_t ssid_len) {
    w.i16(rssi);
    w.u8(static_cast<std::uint8_t>(ssid_len));
    w.bytes(reinterpret_cast<const std::uint8_t*>(ssid), ssid_len);
}

void write_join(PayloadWriter& w, std::int16_t rssi) { w.i16(rssi); }

void write_button(PayloadWriter& w, bool pressed, std::uint16_t presses) {
    w.u8(pressed ? 1 : 0);
    w.u16(presses);
}

}  // namespace test_mode
}  // namespace core
