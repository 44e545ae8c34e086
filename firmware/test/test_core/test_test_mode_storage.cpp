// Test mode's commands that touch the DCT or reset the unit (CLEAR_CREDENTIALS,
// FACTORY_RESET under power cuts, REBOOT), frame errors on a device, and the boards' pads
// shared with the console.
#include <gtest/gtest.h>

#include "core/config_store.hpp"
#include "core/dct_layout.hpp"
#include "fake_ymodem.hpp"
#include "test_mode_suite.hpp"

using namespace test_mode_suite;
using station::Reply;

TEST(TestMode, ClearCredentialsClearsTheProfilesOnly) {
    rig::Device r("photon");
    const std::string ssid = "HomeNet", key = "longpassword", claim(63, 'c');
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    ASSERT_TRUE(r.d.config().set_claim_code(claim.data(), claim.size()));
    r.enter();
    EXPECT_EQ(r.request(kClear, 1).payload, Bytes{0});
    EXPECT_FALSE(r.d.config().has_wifi_credentials());
    char code_text[64];
    EXPECT_TRUE(r.d.config().claim_code(code_text));
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    r.b.flash.budget = 0;  // the flash has lost its power
    EXPECT_EQ(r.request(kClear, 2).payload, Bytes{code(tmode::Status::storage_failed)});
}

namespace {

// A photon with everything FACTORY_RESET clears and everything it keeps.
struct Provisioned {
    rig::Device r{"photon"};
    char setup_ssid[33] = {};
    Bytes key_before;
    std::string ssid_fields;  // the SSID prefix and device code as stored

    Provisioned() {
        const std::string ssid = "HomeNet", key = "longpassword", claim(63, 'c');
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        const std::uint8_t claimed = '1';
        EXPECT_TRUE(store.write(dct::kAppSection + dct::app::kClaimed, &claimed, 1));
        EXPECT_TRUE(store.commit());
        r.d.boot(hal::BootMode::normal);  // reads the claimed flag back
        EXPECT_TRUE(r.d.config().add_wifi_profile(
            {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
        EXPECT_TRUE(r.d.config().set_claim_code(claim.data(), claim.size()));
        EXPECT_TRUE(r.d.config().setup_ssid(0x1234, setup_ssid));
        key_before = private_key();
        ssid_fields = stored().ssid_fields;
        EXPECT_NE(key_before[0], 0xFF);  // made at boot
        EXPECT_TRUE(r.d.config().claimed());
    }
    // What the flash holds, read as the next boot would.
    Bytes private_key() {
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        const std::uint8_t* p = store.image() + dct::kAppSection + dct::app::kDevicePrivateKey;
        return Bytes(p, p + dct::app::kDevicePrivateKeySize);
    }
    struct Stored {
        bool wifi, claim_code, claimed;
        std::string ssid_fields;
    };
    Stored stored() {
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        core::DeviceConfig config(store);
        char code_text[64];
        const char* app = reinterpret_cast<const char*>(store.image() + dct::kAppSection);
        return {config.has_wifi_credentials(), config.claim_code(code_text), config.claimed(),
                std::string(app + dct::app::kSsidPrefix, app + dct::app::kDeviceCode +
                                                             dct::app::kDeviceCodeSize)};
    }
};

}  // namespace

TEST(TestMode, FactoryResetClearsTheUnitAndResetsAfterTheReply) {
    Provisioned p;
    rig::Device& r = p.r;
    r.enter();
    EXPECT_EQ(r.request(kFactoryReset, 4).payload, Bytes{0});
    EXPECT_FALSE(r.b.control.reset_requested);  // the reply goes out first
    const Provisioned::Stored after = p.stored();
    EXPECT_FALSE(after.wifi);
    EXPECT_FALSE(after.claim_code);
    EXPECT_FALSE(after.claimed);
    EXPECT_EQ(after.ssid_fields, p.ssid_fields);  // kept
    EXPECT_EQ(p.ssid_fields.substr(1, 6), "Photon");
    EXPECT_EQ(std::string(p.setup_ssid).substr(0, 7), "Photon-");
    EXPECT_EQ(p.private_key(), p.key_before);
    r.run(core::TestMode::kResetDelayMs - 5);
    EXPECT_FALSE(r.b.control.reset_requested);
    r.run(5);
    EXPECT_TRUE(r.b.control.reset_requested);
    EXPECT_EQ(r.b.control.next, hal::BootMode::normal);
    r.b.control.reset_requested = false;
    r.run(100);
    EXPECT_FALSE(r.b.control.reset_requested);  // once
    r.d.boot(hal::BootMode::normal);
    r.run(50);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());  // no credentials left
}

TEST(TestMode, APowerCutDuringTheFactoryResetLeavesTheOldConfiguration) {
    // How many bytes a commit erases and programs, to cut the power at points across it.
    long long commit_bytes = 0;
    {
        Provisioned p;
        p.r.enter();
        p.r.b.flash.budget = 1LL << 40;
        ASSERT_EQ(p.r.request(kFactoryReset, 1).status(), 0);
        commit_bytes = (1LL << 40) - p.r.b.flash.budget;
        ASSERT_GT(commit_bytes, 16384);
    }
    for (long long cut : {0LL, 1LL, 16384LL, 20000LL, commit_bytes - 4, commit_bytes - 1}) {
        Provisioned p;
        rig::Device& r = p.r;
        r.enter();
        r.b.flash.budget = cut;
        EXPECT_EQ(r.request(kFactoryReset, 2).payload, Bytes{code(tmode::Status::storage_failed)})
            << cut;
        r.run(200);
        EXPECT_FALSE(r.b.control.reset_requested) << cut;  // the unit stays, still in test mode
        EXPECT_TRUE(r.d.test_mode());
        r.b.flash.budget = -1;  // power back
        const Provisioned::Stored kept = p.stored();
        EXPECT_TRUE(kept.wifi) << cut;
        EXPECT_TRUE(kept.claim_code) << cut;
        EXPECT_TRUE(kept.claimed) << cut;
        EXPECT_EQ(kept.ssid_fields, p.ssid_fields) << cut;
        EXPECT_EQ(p.private_key(), p.key_before) << cut;
    }
}

TEST(TestMode, RebootResetsOnceTheReplyIsOut) {
    rig::Device r("photon");
    r.enter();
    Bytes both = station::frame(kReboot, 8);
    const Bytes ping = station::frame(kPing, 9);
    both.insert(both.end(), ping.begin(), ping.end());
    const auto got = r.exchange(both);
    ASSERT_EQ(got.size(), 1u);  // what came after the REBOOT is lost with the reset
    EXPECT_EQ(got[0].type, 0x82);
    EXPECT_EQ(got[0].payload, Bytes{0});
    EXPECT_FALSE(r.b.control.reset_requested);
    EXPECT_LE(r.d.ms_until_tick(), core::TestMode::kResetDelayMs);
    r.run(core::TestMode::kResetDelayMs);
    EXPECT_TRUE(r.b.control.reset_requested);
    EXPECT_TRUE(logged(r.b.log, "test: REBOOT: ok"));
}

TEST(TestMode, FrameErrorsAreAnswered) {
    rig::Device r("photon");
    r.enter();
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x07});
    r.run(240);
    EXPECT_TRUE(r.replies().empty());
    r.run(15);
    auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].seq, 7);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::truncated)});

    // 257 bytes of payload: over the request limit; the header is dropped, the rest is noise.
    got = r.exchange(station::frame(kPing, 9, Bytes(257, 0x20)));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].seq, 9);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::bad_length)});
    EXPECT_EQ(r.request(kPing, 10).status(), 0);
    EXPECT_TRUE(logged(r.b.log, "test: frame error: bad_length"));
}

// ---- the boards: the pads are the console ------------------------------------------------

TEST(TestMode, SharedPadsTheConsoleWorksUntilThePreamble) {
    rig::Device r("photon", rig::Pads::shared);  // listening: no credentials
    r.run(20);
    r.b.console.send("v");
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "system firmware version: 2.3.1+harken.0.1.0\n\r\n");
    const auto got = r.exchange(station::preamble());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_FALSE(r.d.listening());
    r.b.console.send("v");  // no longer the console's
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "");
    EXPECT_EQ(r.request(kPing, 1).status(), 0);
}

TEST(TestMode, SharedPadsOutsideListeningMode) {
    rig::Device r("photon", rig::Pads::shared);
    r.radio.add("HomeNet", kWpa2Aes, "", -40);
    const std::string ssid = "HomeNet";
    ASSERT_TRUE(r.d.config().add_wifi_profile({ssid.data(), ssid.size(), kWpa2Aes, 6, "", 0},
                                              nullptr));
    r.d.boot(hal::BootMode::normal);
    r.run(300);
    ASSERT_FALSE(r.d.listening());
    r.b.console.send("i");  // the application's serial: read and dropped
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "");
    r.enter();
    EXPECT_EQ(r.request(kPing, 1).status(), 0);
}

// harken's own image holds the preamble: YMODEM reads the port itself, so a transfer over the
// shared console cannot open the gate.
TEST(TestMode, SharedPadsAYmodemTransferDoesNotOpenTheGate) {
    rig::Device r("photon", rig::Pads::shared);
    r.run(20);
    r.b.console.send("f");
    r.run(10);
    const Bytes pre = station::preamble();
    std::string packet = fake::ymodem::header("image.bin", 300);
    packet.replace(3 + 16, pre.size(), std::string(pre.begin(), pre.end()));  // in the padding
    r.b.console.send(packet);
    r.run(3000);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());
    r.b.console.take();
    r.enter();  // the gate still works
}

TEST(TestMode, SimulatedRadioReportsTheJoinedNetworksRssi) {
    fake::Clock clock;
    rig::SimRadio radio(clock);
    radio.add("Lab", kWpa2Aes, "pw", -61);
    std::int16_t dbm = 0;
    EXPECT_FALSE(radio.link_rssi(&dbm));
    const std::string key = "pw";
    radio.join({"Lab", 3, kWpa2Aes, reinterpret_cast<const std::uint8_t*>(key.data()), 2});
    EXPECT_FALSE(radio.link_rssi(&dbm));  // still joining
    clock.now += core::kSimulatedJoinMs;
    ASSERT_TRUE(radio.link_rssi(&dbm));
    EXPECT_EQ(dbm, -61);
    radio.networks[0].ap.rssi = -75;
    ASSERT_TRUE(radio.link_rssi(&dbm));
    EXPECT_EQ(dbm, -75);
    radio.networks.clear();  // the network went away
    EXPECT_FALSE(radio.link_rssi(&dbm));
    radio.add("Lab", kWpa2Aes, "pw", -61);
    radio.leave();
    EXPECT_FALSE(radio.link_rssi(&dbm));
}
