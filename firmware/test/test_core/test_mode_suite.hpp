#pragma once
// What the test-mode suites share: the request types, a JOIN payload, readers of reply
// fields and a frame sink that records what the reader found.
#include <algorithm>
#include <string>
#include <vector>

#include "core/test_mode_frame.hpp"
#include "core/wifi_security.hpp"
#include "test_mode_rig.hpp"

namespace test_mode_suite {

using station::Bytes;
namespace tmode = core::test_mode;

constexpr std::uint8_t kPing = 0x00, kIdentify = 0x01, kReboot = 0x02, kFactoryReset = 0x03,
                       kJoin = 0x04, kScan = 0x05, kRssi = 0x06, kClear = 0x07, kLed = 0x08,
                       kButton = 0x09;
constexpr std::uint32_t kWpa2Aes = core::wiced::kWpa2 | core::wiced::kAes;

inline std::uint8_t code(tmode::Status s) { return static_cast<std::uint8_t>(s); }

inline Bytes join_payload(const std::string& ssid, std::uint32_t security, const std::string& key,
                   std::uint16_t timeout_s) {
    Bytes p{static_cast<std::uint8_t>(ssid.size())};
    p.insert(p.end(), ssid.begin(), ssid.end());
    for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(security >> (8 * i)));
    p.push_back(static_cast<std::uint8_t>(key.size()));
    p.insert(p.end(), key.begin(), key.end());
    p.push_back(static_cast<std::uint8_t>(timeout_s));
    p.push_back(static_cast<std::uint8_t>(timeout_s >> 8));
    return p;
}

inline bool logged(const fake::Log& log, const std::string& entry) {
    return std::find(log.events.begin(), log.events.end(), entry) != log.events.end();
}

// A text field (u8 length, bytes) at `at`; moves `at` past it.
inline std::string text8(const Bytes& p, std::size_t& at) {
    const std::size_t n = p[at++];
    const std::string s(p.begin() + at, p.begin() + at + n);
    at += n;
    return s;
}

class Recorder final : public tmode::FrameSink {
public:
    std::vector<std::string> events;
    void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t*,
               std::size_t len) override {
        events.push_back("frame " + std::to_string(type) + " " + std::to_string(seq) + " " +
                         std::to_string(len));
    }
    void frame_error(tmode::Status status, std::uint8_t seq) override {
        events.push_back(std::string(tmode::status_name(status)) + " " + std::to_string(seq));
    }
};

inline void push(tmode::FrameReader& reader, const Bytes& bytes, std::uint32_t now, Recorder& rec) {
    for (std::uint8_t b : bytes) reader.push(b, now, rec);
}

}  // namespace test_mode_suite
