#pragma once
// Byte layout of the Gen 2 device configuration table (DCT), as Device OS 2.3.1 lays it out
// (device-config-and-claim.md). The store keeps a Photon-shaped sector image: the WICED
// Wi-Fi section at 6704 and Particle's application_dct_t at 7548 (0x1D7C), so app-DCT offsets
// are the address space of DFU alt-setting 1 on every platform.
#include <cstddef>

namespace dct {

// ---- sector image -------------------------------------------------------------------
constexpr std::size_t kSecurityPrivateKey = 544;    // EAP-TLS client key (DER), 2048
constexpr std::size_t kSecurityPrivateKeySize = 2048;
constexpr std::size_t kSecurityCertificate = 2592;  // EAP-TLS client certificate (DER), 4096
constexpr std::size_t kSecurityCertificateSize = 4096;
constexpr std::size_t kWifiSection = 6704;
constexpr std::size_t kWifiSectionSize = 844;
constexpr std::size_t kAppSection = 7548;
constexpr std::size_t kAppSectionSize = 8391;
constexpr std::size_t kImageSize = kAppSection + kAppSectionSize;  // 15939

// ---- application_dct_t (offsets into the app section) ---------------------------------
namespace app {
constexpr std::size_t kDevicePrivateKey = 34, kDevicePrivateKeySize = 1216;
constexpr std::size_t kDevicePublicKey = 1250, kDevicePublicKeySize = 384;
constexpr std::size_t kClaimCode = 1762, kClaimCodeSize = 63;
constexpr std::size_t kClaimed = 1825;
constexpr std::size_t kSsidPrefix = 1826, kSsidPrefixSize = 26;
constexpr std::size_t kDeviceCode = 1852, kDeviceCodeSize = 6;
constexpr std::size_t kProductStore = 2952;         // u16 LE [0] product id, [1] version
constexpr std::size_t kDeviceId = 3618, kDeviceIdSize = 12;
constexpr std::size_t kEapConfig = 3823, kEapConfigSize = 4296;
constexpr std::size_t kDeviceSecret = 8119, kDeviceSecretSize = 15;
}  // namespace app

// ---- eap_config_t (offsets into eap_config) --------------------------------------------
namespace eap {
constexpr std::size_t kType = 0;
constexpr std::size_t kInnerIdentity = 1, kInnerIdentityLen = 65;
constexpr std::size_t kOuterIdentity = 66, kOuterIdentityLen = 130;
constexpr std::size_t kSecurityKey = 131, kSecurityKeyLen = 195;
constexpr std::size_t kCaCertificate = 196, kCaCertificateSize = 4096;
constexpr std::size_t kCaCertificateLen = 4292;     // u16 LE
constexpr std::size_t kIdentitySize = 64;
}  // namespace eap

// ---- platform_dct_wifi_config_t (offsets into the Wi-Fi section) ------------------------
namespace wifi {
constexpr std::size_t kDeviceConfigured = 0;
constexpr std::size_t kApList = 1, kApEntrySize = 121, kApSlots = 5;
constexpr std::size_t kSoftApSettings = 608;
// wiced_config_soft_ap_t
constexpr std::size_t kSoftApSsidLen = 0, kSoftApSsid = 1, kSoftApSecurity = 36;
constexpr std::size_t kSoftApChannel = 40, kSoftApKeyLen = 41, kSoftApValid = 108;
constexpr std::size_t kSoftApSettingsSize = 112;
constexpr std::size_t kCountryCode = 832;
constexpr std::size_t kMacAddress = 836;
// wiced_config_ap_entry_t
constexpr std::size_t kEntrySsidLen = 0, kEntrySsid = 1, kEntrySsidSize = 32;
constexpr std::size_t kEntrySecurity = 46;           // u32 LE
constexpr std::size_t kEntryChannel = 50;
constexpr std::size_t kEntryKeyLen = 56, kEntryKey = 57, kEntryKeySize = 64;
}  // namespace wifi

}  // namespace dct
