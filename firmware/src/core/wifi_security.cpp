#include "core/wifi_security.hpp"

namespace core {

std::uint32_t to_wiced(Security security, Cipher cipher) {
    std::uint32_t v = 0;
    switch (security) {
        case Security::wep: v = wiced::kWep; break;
        case Security::wpa: v = wiced::kWpa; break;
        case Security::wpa2: v = wiced::kWpa2; break;
        case Security::wpa_enterprise: v = wiced::kWpa | wiced::kEnterprise; break;
        case Security::wpa2_enterprise: v = wiced::kWpa2 | wiced::kEnterprise; break;
        default: break;
    }
    if (cipher == Cipher::aes || cipher == Cipher::aes_tkip) v |= wiced::kAes;
    if (cipher == Cipher::tkip || cipher == Cipher::aes_tkip) v |= wiced::kTkip;
    return v;
}

Security security_from_wiced(std::uint32_t v) {
    if (v == wiced::kOpen) return Security::open;
    if (v & wiced::kWep) return Security::wep;
    if ((v & wiced::kWpa2) && (v & wiced::kEnterprise)) return Security::wpa2_enterprise;
    if ((v & wiced::kWpa) && (v & wiced::kEnterprise)) return Security::wpa_enterprise;
    if (v & wiced::kWpa) return Security::wpa;
    if (v & wiced::kWpa2) return Security::wpa2;
    return Security::not_set;
}

Cipher cipher_from_wiced(std::uint32_t v) {
    if (v & wiced::kAes) return Cipher::aes;   // a mixed AES+TKIP AP maps to AES
    if (v & wiced::kTkip) return Cipher::tkip;
    return Cipher::not_set;
}

}  // namespace core
