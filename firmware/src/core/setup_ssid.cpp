// The setup AP's SSID (softap-protocol.md §1.1, device-config-and-claim.md §4).
#include <cstring>

#include "core/device_config.hpp"
#include "core/le_bytes.hpp"

namespace core {
namespace {

constexpr char kDefaultPrefix[] = "Photon";   // P1s advertise it too
constexpr char kCodeAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // no 0, 1, I, O
constexpr std::size_t kMaxPrefix = 25;
constexpr std::uint8_t kSetupApChannel = 11;  // what Device OS advertises on

}  // namespace

bool DeviceConfig::setup_ssid(std::uint32_t random, char out[33]) {
    bool staged = true;

    std::uint8_t prefix[dct::app::kSsidPrefixSize];
    std::memcpy(prefix, app(dct::app::kSsidPrefix), sizeof prefix);
    if (prefix[0] == 0 || prefix[0] > kMaxPrefix) {  // includes erased 0xFF
        prefix[0] = sizeof kDefaultPrefix - 1;
        std::memcpy(prefix + 1, kDefaultPrefix, prefix[0]);
        staged = staged && write_app(dct::app::kSsidPrefix, prefix, 1u + prefix[0]);
    }

    std::uint8_t code[dct::app::kDeviceCodeSize];
    std::memcpy(code, app(dct::app::kDeviceCode), sizeof code);
    if (static_cast<std::int8_t>(code[0]) <= 0) {  // 0x00, or 0x80 and up (erased)
        for (std::uint8_t& c : code) {
            c = static_cast<std::uint8_t>(kCodeAlphabet[random % 32]);
            random /= 32;
        }
        staged = staged && write_app(dct::app::kDeviceCode, code, sizeof code);
    }
    // Codes from before Device OS 0.7.0 have four characters (or a NUL after a shorter
    // custom suffix).
    std::size_t code_len = code[4] < 0x20 || code[4] > 0x7F ? 4 : 6;
    for (std::size_t i = 0; i < code_len; ++i)
        if (code[i] == 0) code_len = i;

    std::size_t n = prefix[0];
    std::memcpy(out, prefix + 1, n);
    out[n++] = '-';
    std::memcpy(out + n, code, code_len);
    n += code_len;
    out[n] = '\0';

    // WICED's soft-AP settings follow the SSID: open, channel 11, marked valid.
    using namespace dct::wifi;
    std::uint8_t ap[kSoftApSettingsSize] = {};
    ap[kSoftApSsidLen] = static_cast<std::uint8_t>(n);
    std::memcpy(ap + kSoftApSsid, out, n);
    ap[kSoftApChannel] = kSetupApChannel;
    put_le32(ap + kSoftApValid, 1);
    if (std::memcmp(wifi(kSoftApSettings), ap, sizeof ap) != 0)
        staged = staged && write_wifi(kSoftApSettings, ap, sizeof ap);

    if (!store_.dirty()) return true;
    return finish(staged);
}

}  // namespace core
