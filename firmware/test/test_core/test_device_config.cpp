// Device OS's storage rules for Wi-Fi profiles, claim codes and the product store.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/device_config.hpp"
#include "core/le_bytes.hpp"
#include "fake_board.hpp"

namespace {

struct Fixture {
    fake::Flash flash;
    core::ConfigStore store{flash};
    core::DeviceConfig config{store};
    Fixture() { store.load(); }

    const std::uint8_t* slot(std::size_t i) const {
        return store.image() + dct::kWifiSection + dct::wifi::kApList +
               i * dct::wifi::kApEntrySize;
    }
    std::string ssid(std::size_t i) const {
        return std::string(reinterpret_cast<const char*>(slot(i) + 1), slot(i)[0]);
    }
    bool add(const char* ssid, std::uint32_t security, const char* key = "password1",
             const core::EnterpriseConfig* e = nullptr) {
        return config.add_wifi_profile(
            {ssid, std::strlen(ssid), security, 0, key, std::strlen(key)}, e);
    }
};

constexpr std::uint32_t kWpa2Aes = core::wiced::kWpa2 | core::wiced::kAes;
constexpr std::uint32_t kWpa2Ent = kWpa2Aes | core::wiced::kEnterprise;

const core::EnterpriseConfig kPeap{
    core::EapType::peap, {reinterpret_cast<const std::uint8_t*>("bob"), 3}, {nullptr, 0},
    {reinterpret_cast<const std::uint8_t*>("pw"), 2}, {nullptr, 0}, {nullptr, 0}, {nullptr, 0}};

}  // namespace

TEST(WifiProfiles, NewestFirstAndTheSixthPushesTheOldestOut) {
    Fixture f;
    EXPECT_FALSE(f.config.has_wifi_credentials());
    const char* names[] = {"one", "two", "three", "four", "five", "six"};
    for (const char* n : names) ASSERT_TRUE(f.add(n, kWpa2Aes));
    EXPECT_TRUE(f.config.has_wifi_credentials());
    EXPECT_EQ(f.ssid(0), "six");
    EXPECT_EQ(f.ssid(4), "two");
}

TEST(WifiProfiles, SameSsidIsReplacedInPlace) {
    Fixture f;
    f.add("alpha", kWpa2Aes);
    f.add("beta", kWpa2Aes);
    f.add("alpha", core::wiced::kWpa | core::wiced::kTkip, "newpassword");
    EXPECT_EQ(f.ssid(0), "beta");
    EXPECT_EQ(f.ssid(1), "alpha");
    EXPECT_EQ(core::le32(f.slot(1) + dct::wifi::kEntrySecurity),
              core::wiced::kWpa | core::wiced::kTkip);
    EXPECT_EQ(f.slot(1)[dct::wifi::kEntryKeyLen], 11);
    EXPECT_EQ(f.slot(2)[0], 0);
}

TEST(WifiProfiles, OnlyOneEnterpriseProfile) {
    Fixture f;
    f.add("home", kWpa2Aes);
    ASSERT_TRUE(f.add("corp1", kWpa2Ent, "", &kPeap));
    f.add("cafe", kWpa2Aes);
    ASSERT_TRUE(f.add("corp2", kWpa2Ent, "", &kPeap));
    // corp2 took corp1's slot rather than shifting everything along.
    EXPECT_EQ(f.ssid(0), "cafe");
    EXPECT_EQ(f.ssid(1), "corp2");
    EXPECT_EQ(f.ssid(2), "home");
    const std::uint8_t* eap = f.store.image() + dct::kAppSection + dct::app::kEapConfig;
    EXPECT_EQ(eap[dct::eap::kType], 25);
    EXPECT_EQ(eap[dct::eap::kInnerIdentityLen], 3);
}

TEST(WifiProfiles, WepHexKeysAreDecodedOnlyForPlainWep) {
    Fixture f;
    f.add("wep", core::wiced::kWep, "0a1B2c3D4e");
    EXPECT_EQ(f.slot(0)[dct::wifi::kEntryKeyLen], 5);
    EXPECT_EQ(f.slot(0)[dct::wifi::kEntryKey], 0x0a);
    EXPECT_EQ(f.slot(0)[dct::wifi::kEntryKey + 4], 0x4e);
    // The console's WEP+AES quirk value (0x5) is not "WEP" to the storage code.
    f.add("wep-aes", core::wiced::kWep | core::wiced::kAes, "0a1B2c3D4e");
    EXPECT_EQ(f.slot(0)[dct::wifi::kEntryKeyLen], 10);
}

TEST(WifiProfiles, ClearWipesProfilesAndEnterpriseMaterial) {
    Fixture f;
    f.add("home", kWpa2Aes);
    f.add("corp", kWpa2Ent, "", &kPeap);
    const std::string claim(63, 'c');
    f.config.set_claim_code(claim.data(), claim.size());
    ASSERT_TRUE(f.config.clear_wifi_credentials());
    EXPECT_FALSE(f.config.has_wifi_credentials());
    EXPECT_EQ(f.slot(1)[0], 0);
    EXPECT_EQ(f.store.image()[dct::kAppSection + dct::app::kEapConfig], 0);
    char code[64];
    ASSERT_TRUE(f.config.claim_code(code));  // claim code untouched
    EXPECT_EQ(std::string(code), claim);
}

TEST(WifiProfiles, RejectsWhatDoesNotFit) {
    Fixture f;
    EXPECT_FALSE(f.add("", kWpa2Aes));
    EXPECT_FALSE(f.add("123456789012345678901234567890123", kWpa2Aes));
    const std::string key(65, 'k');
    EXPECT_FALSE(f.add("ok", kWpa2Aes, key.c_str()));
    EXPECT_FALSE(f.config.has_wifi_credentials());
}

TEST(ClaimCode, StoredZeroPaddedAndClaimedFlagSeparate) {
    Fixture f;
    char code[64];
    EXPECT_FALSE(f.config.claim_code(code));
    ASSERT_TRUE(f.config.set_claim_code("abc", 3));
    ASSERT_TRUE(f.config.claim_code(code));
    EXPECT_EQ(std::string(code), "abc");
    const std::uint8_t* raw = f.store.image() + dct::kAppSection + dct::app::kClaimCode;
    EXPECT_EQ(raw[3], 0);
    EXPECT_EQ(raw[62], 0);
    EXPECT_EQ(raw[63], 0xFF);  // the claimed flag byte is not touched
    EXPECT_FALSE(f.config.claimed());
}

TEST(ProductStore, WrittenLittleEndianAt2952) {
    Fixture f;
    ASSERT_TRUE(f.config.store_product(1234, 3));
    const std::uint8_t* p = f.store.image() + dct::kAppSection + dct::app::kProductStore;
    EXPECT_EQ(p[0], 0xD2);
    EXPECT_EQ(p[1], 0x04);
    EXPECT_EQ(p[2], 3);
    EXPECT_EQ(f.config.stored_product_id(), 1234);
}

TEST(DeviceId, CopiedOnlyIntoAnErasedSlot) {
    Fixture f;
    const std::uint8_t a[12] = {1, 2, 3}, b[12] = {9};
    f.config.save_device_id(a);
    f.config.save_device_id(b);
    EXPECT_EQ(f.store.image()[dct::kAppSection + dct::app::kDeviceId], 1);
}
