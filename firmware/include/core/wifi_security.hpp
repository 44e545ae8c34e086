#pragma once
// Wi-Fi security as the console speaks it (digits 0-5, cipher 1-3) and as it is stored and
// sent over SoftAP (WICED bit-field values).
#include <cstdint>

namespace core {

enum class Security : std::uint8_t {
    open = 0, wep = 1, wpa = 2, wpa2 = 3, wpa_enterprise = 4, wpa2_enterprise = 5,
    not_set = 0xFF,
};

enum class Cipher : std::uint8_t { not_set = 0, aes = 1, tkip = 2, aes_tkip = 3 };

enum class EapType : std::uint8_t { peap = 25, tls = 13 };

namespace wiced {
constexpr std::uint32_t kOpen = 0;
constexpr std::uint32_t kWep = 0x00000001;
constexpr std::uint32_t kTkip = 0x00000002;
constexpr std::uint32_t kAes = 0x00000004;
constexpr std::uint32_t kWpa = 0x00200000;
constexpr std::uint32_t kWpa2 = 0x00400000;
constexpr std::uint32_t kEnterprise = 0x02000000;
}  // namespace wiced

inline bool is_enterprise(Security s) {
    return s == Security::wpa_enterprise || s == Security::wpa2_enterprise;
}

// Device OS toSecurity: type bits, then cipher bits OR-ed whatever the type (so an open
// network answered with cipher 1 is stored as 0x4 — a quirk hosts can observe).
std::uint32_t to_wiced(Security security, Cipher cipher);
// Device OS toSecurityType / toCipherType, applied to scan results.
Security security_from_wiced(std::uint32_t value);
Cipher cipher_from_wiced(std::uint32_t value);

}  // namespace core
