// Test mode (protocol/test-mode.md) on a whole device: entering it, every command, and what
// it takes from the system (listening mode, its joins, the LED, the button).
#include <gtest/gtest.h>


#include "test_mode_suite.hpp"

using namespace test_mode_suite;
using station::Reply;

// ---- entering test mode ------------------------------------------------------------------

TEST(TestMode, NothingIsACommandBeforeThePreamble) {
    rig::Device r("photon");
    r.send(station::frame(kPing, 1));
    r.run(500);
    EXPECT_EQ(r.port().take(), "");
    EXPECT_FALSE(r.d.test_mode());

    r.b.identity.device_id[0] = 0x3A;
    const auto got = r.exchange(station::preamble());
    ASSERT_EQ(got.size(), 1u);  // HELLO only: the early PING was dropped, not kept
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_EQ(got[0].seq, 0);
    Bytes hello{0, 1};
    hello.insert(hello.end(), r.b.identity.device_id, r.b.identity.device_id + 12);
    EXPECT_EQ(got[0].payload, hello);
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_EQ(r.ui.modes.back(), "test");
    EXPECT_TRUE(logged(r.b.log, "test: test mode entered"));
    EXPECT_EQ(r.request(kPing, 2).payload, (Bytes{0, 1, 0x00, 0x04}));
}

TEST(TestMode, APreambleSplitOverPassesAndAfterAFalseStartCounts) {
    rig::Device r("photon");
    const Bytes pre = station::preamble();
    r.send(Bytes(pre.begin(), pre.begin() + 5));  // a false start
    r.d.step();
    for (std::uint8_t b : pre) r.send({b}), r.run(5);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xC0);
}

TEST(TestMode, ThePreambleAgainGetsHelloAgainAndDropsAHalfSentFrame) {
    rig::Device r("photon");
    r.enter();
    Bytes again = station::preamble();
    const Bytes ping = station::frame(kPing, 6);
    again.insert(again.end(), ping.begin(), ping.end());
    // A station that stopped after a header saying 16 bytes follow: the preamble's bytes
    // went into that frame, which is forgotten at HELLO, so the PING is read at once.
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x05, 0x10, 0x00});
    r.d.step();
    auto got = r.exchange(again);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_EQ(got[1].type, 0x80);
    EXPECT_EQ(got[1].seq, 6);
    // Stopped inside the length field: the preamble's first byte completes it (0xE110, too
    // long), which is answered as the frame error it is, before HELLO.
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x05, 0x10});
    r.d.step();
    got = r.exchange(again);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::bad_length)});
    EXPECT_EQ(got[1].type, 0xC0);
    EXPECT_EQ(got[2].seq, 6);
}

TEST(TestMode, ItEndsListeningModeAndKeepsItOff) {
    rig::Device r("photon");  // no credentials: listening from boot
    r.run(50);
    ASSERT_TRUE(r.d.listening());
    r.enter();
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(logged(r.b.log, "listening: exited"));
    r.d.start_listening(core::ListenReason::host_request);
    r.run(70000);  // the system would listen again for want of credentials
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_EQ(r.ui.modes, (std::vector<std::string>{"normal", "listening", "test"}));
}

TEST(TestMode, TheSystemsJoinsStop) {
    rig::Device r("photon");
    r.radio.add("HomeNet", kWpa2Aes, "longpassword", -40);
    const std::string ssid = "HomeNet", key = "longpassword";
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    r.d.boot(hal::BootMode::normal);
    r.run(500);
    std::int16_t dbm = 0;
    ASSERT_TRUE(r.radio.link_rssi(&dbm));
    r.enter();
    EXPECT_FALSE(r.radio.link_rssi(&dbm));  // the network the system had joined is left
    EXPECT_EQ(r.request(kRssi, 1).status(), code(tmode::Status::not_connected));
    r.run(30000);  // the system would rejoin after 10 s
    EXPECT_EQ(r.radio.progress(), hal::JoinProgress::idle);
}

TEST(TestMode, TheUsbConsoleIsDrainedAndSilent) {
    rig::Device r("photon");
    r.enter();
    r.b.console.tx.clear();
    r.b.console.send("i");  // a host on the USB serial: nothing reads it as a command
    r.run(50);
    EXPECT_TRUE(r.b.console.rx.empty());
    EXPECT_TRUE(r.b.console.tx.empty());
}

TEST(TestMode, NoPadsNoTestMode) {
    rig::Device r("photon", rig::Pads::none);
    const Bytes pre = station::preamble();
    r.b.console.rx.assign(pre.begin(), pre.end());
    r.run(50);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());
}

TEST(TestMode, AResetEndsIt) {
    rig::Device r("photon");
    r.enter();
    r.d.boot(hal::BootMode::normal);
    EXPECT_FALSE(r.d.test_mode());
    r.run(50);
    EXPECT_EQ(r.ui.modes.back(), "listening");
    EXPECT_TRUE(r.exchange(station::frame(kPing, 1)).empty());  // the gate is closed again
    r.enter();
}

// ---- the commands ------------------------------------------------------------------------

TEST(TestMode, PingAndUnknownTypes) {
    rig::Device r("photon");
    r.enter();
    const Reply ping = r.request(kPing, 77);
    EXPECT_EQ(ping.type, 0x80);
    EXPECT_EQ(ping.seq, 77);
    EXPECT_EQ(ping.payload, (Bytes{0, 1, 0x00, 0x04}));  // ok, version 1, 1024
    for (std::uint8_t type : {0x0A, 0x33, 0x80, 0xC0, 0xFF}) {
        const Reply r2 = r.request(type, 5);
        EXPECT_EQ(r2.type, type | 0x80);
        EXPECT_EQ(r2.payload, Bytes{1}) << int{type};  // unknown_command, no fields
    }
}

TEST(TestMode, IdentifyReportsTheUnit) {
    for (const char* platform : {"photon", "electron"}) {
        rig::Device r(platform);
        const bool wifi = r.b.platform->has_wifi;
        for (int i = 0; i < 12; ++i)
            r.b.identity.device_id[i] = static_cast<std::uint8_t>(0x30 + i);
        for (int i = 0; i < 6; ++i) r.b.identity.mac[i] = static_cast<std::uint8_t>(0xE0 + i);
        std::snprintf(r.b.identity.serial_number, sizeof r.b.identity.serial_number, "PH-000123");
        std::snprintf(r.b.identity.imei, sizeof r.b.identity.imei, "352753090123456");
        r.b.image.has_sha = true;
        for (int i = 0; i < 32; ++i) r.b.image.sha256[i] = static_cast<std::uint8_t>(i);
        r.b.image.product_id = 1234;
        r.b.image.product_version = 3;
        r.enter();
        const Reply id = r.request(kIdentify, 2);
        const Bytes& p = id.payload;
        ASSERT_GT(p.size(), 60u);
        EXPECT_EQ(p[0], 0);
        EXPECT_EQ(Bytes(p.begin() + 1, p.begin() + 13),
                  Bytes(r.b.identity.device_id, r.b.identity.device_id + 12));
        EXPECT_EQ(station::u16_at(p, 13), r.b.platform->id);
        EXPECT_EQ(station::u16_at(p, 15), 1234);
        EXPECT_EQ(station::u16_at(p, 17), 3);
        EXPECT_EQ(p[19], 3);  // monolithic
        EXPECT_EQ(p[20], 0);
        EXPECT_EQ(station::u16_at(p, 21), core::kModuleVersion);
        std::size_t at = 23;
        EXPECT_EQ(text8(p, at), "2.3.1+harken.0.1.0");
        EXPECT_EQ(Bytes(p.begin() + at, p.begin() + at + 32),
                  Bytes(r.b.image.sha256, r.b.image.sha256 + 32));
        at += 32;
        const Bytes mac(p.begin() + at, p.begin() + at + 6);
        EXPECT_EQ(mac, wifi ? Bytes(r.b.identity.mac, r.b.identity.mac + 6) : Bytes(6, 0));
        at += 6;
        EXPECT_EQ(text8(p, at), wifi ? "" : "352753090123456");
        EXPECT_EQ(text8(p, at), wifi ? "" : "89340765000025876571");
        EXPECT_EQ(text8(p, at), "PH-000123");
        EXPECT_EQ(at, p.size());
    }
}

TEST(TestMode, JoinAnswersWhenTheJoinEnds) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "s3cret-pass", -48);
    r.radio.add("Vanishing", kWpa2Aes, "", -70).behaviour = core::NetworkBehaviour::gone;
    r.enter();
    struct Case {
        const char* ssid;
        const char* key;
        tmode::Status status;
    };
    const Case cases[] = {{"FactoryAP", "wrong-pass", tmode::Status::join_wrong_password},
                          {"Nowhere", "x", tmode::Status::join_not_found},
                          {"Vanishing", "", tmode::Status::join_not_found},
                          {"FactoryAP", "s3cret-pass", tmode::Status::ok}};
    std::uint8_t seq = 30;
    for (const Case& c : cases) {
        const Bytes join = join_payload(c.ssid, kWpa2Aes, c.key, 30);
        EXPECT_TRUE(r.exchange(station::frame(kJoin, ++seq, join)).empty());  // asynchronous
        r.run(core::kSimulatedAbsentJoinMs + 10);
        const auto got = r.replies();
        ASSERT_EQ(got.size(), 1u) << c.ssid;
        EXPECT_EQ(got[0].type, 0x84);
        EXPECT_EQ(got[0].seq, seq);
        EXPECT_EQ(got[0].status(), code(c.status)) << c.ssid << " " << c.key;
        EXPECT_EQ(got[0].payload.size(), c.status == tmode::Status::ok ? 3u : 1u);
    }
    const Reply rssi = r.request(kRssi, 50);
    ASSERT_EQ(rssi.status(), 0);
    EXPECT_EQ(station::i16_at(rssi.payload, 1), -48);
    std::size_t at = 3;
    EXPECT_EQ(text8(rssi.payload, at), "FactoryAP");
    for (const std::string& e : r.b.log.events)
        EXPECT_EQ(e.find("s3cret"), std::string::npos) << e;  // the key is never logged
    EXPECT_TRUE(logged(r.b.log, "test: JOIN: ok"));
    EXPECT_TRUE(logged(r.b.log, "test: JOIN: join_wrong_password"));
}

TEST(TestMode, JoinReportsTheRssiOfTheNetwork) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "s3cret-pass", -48);
    r.enter();
    r.send(station::frame(kJoin, 9, join_payload("FactoryAP", kWpa2Aes, "s3cret-pass", 30)));
    r.run(core::kSimulatedJoinMs - 10);
    EXPECT_TRUE(r.replies().empty());
    r.run(20);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, (Bytes{0, 0xD0, 0xFF}));  // ok, -48
}

TEST(TestMode, AJoinThatDoesNotEndTimesOut) {
    rig::Device r("photon");
    r.radio.add("SlowAP", kWpa2Aes, "", -60).join_ms = 600000;
    r.radio.add("Silent", kWpa2Aes, "", -60).behaviour = core::NetworkBehaviour::timeout;
    r.enter();
    r.send(station::frame(kJoin, 3, join_payload("SlowAP", kWpa2Aes, "k", 1)));
    r.d.step();
    EXPECT_LE(r.d.ms_until_tick(), tmode::kTruncateMs);
    EXPECT_LE(r.d.ms_until_tick(), core::TestMode::kJoinPollMs);
    r.run(990);
    EXPECT_TRUE(r.replies().empty());
    r.run(15);
    auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::join_timed_out)});
    EXPECT_EQ(r.radio.progress(), hal::JoinProgress::idle);  // the radio was told to leave
    EXPECT_EQ(r.request(kRssi, 4).status(), code(tmode::Status::not_connected));

    // A network that never answers: the radio's own verdict comes first.
    r.send(station::frame(kJoin, 5, join_payload("Silent", kWpa2Aes, "k", 30)));
    r.run(core::kSimulatedJoinMs + 10);
    got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::join_timed_out)});
}

TEST(TestMode, OtherRequestsAreBusyDuringAJoin) {
    rig::Device r("photon");
    r.radio.add("SlowAP", kWpa2Aes, "", -60).join_ms = 5000;
    r.enter();
    EXPECT_TRUE(r.exchange(station::frame(kJoin, 1, join_payload("SlowAP", kWpa2Aes, "k", 30)))
                    .empty());
    EXPECT_EQ(r.request(kPing, 2).status(), 0);
    EXPECT_EQ(r.request(kIdentify, 3).status(), 0);
    for (std::uint8_t type : {kReboot, kFactoryReset, kScan, kRssi, kClear, kButton})
        EXPECT_EQ(r.request(type, 4).status(), code(tmode::Status::busy)) << int{type};
    EXPECT_EQ(r.request(kLed, 5, {1, 2, 3, 1}).status(), code(tmode::Status::busy));
    EXPECT_EQ(r.request(kJoin, 6, join_payload("SlowAP", kWpa2Aes, "k", 30)).status(),
              code(tmode::Status::busy));
    // The payload is checked first, whatever the state; unknown types stay unknown.
    EXPECT_EQ(r.request(kLed, 7, {1, 2, 3}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.request(kScan, 8, {0}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.request(0x33, 9).status(), code(tmode::Status::unknown_command));
    EXPECT_FALSE(r.b.control.reset_requested);
    r.run(5010);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].seq, 1);  // the first JOIN, answered
    EXPECT_EQ(got[0].status(), 0);
    EXPECT_EQ(r.request(kButton, 10).status(), 0);  // no longer busy
}

TEST(TestMode, WithoutWifiTheRadioCommandsAreUnsupported) {
    rig::Device r("electron");
    r.enter();
    EXPECT_EQ(r.request(kJoin, 1, join_payload("FactoryAP", kWpa2Aes, "k", 30)).payload,
              Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kScan, 2).payload, Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kRssi, 3).payload, Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kJoin, 4, {0}).payload, Bytes{code(tmode::Status::bad_payload)});
    EXPECT_EQ(r.request(kButton, 5).status(), 0);
}

TEST(TestMode, ScanListsAtMostTwentyNetworks) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "", -48).ap.channel = 6;
    r.radio.add("Guest", core::wiced::kOpen, "", -71).ap.channel = 11;
    r.enter();
    const Reply two = r.request(kScan, 1);
    const Bytes expect{0,    2,                                                       // ok, 2
                       9,    'F', 'a', 'c', 't', 'o', 'r', 'y', 'A', 'P',            // ssid
                       0x04, 0x00, 0x40, 0x00, 6, 0xD0, 0xFF,                       // sec, ch, rssi
                       5,    'G', 'u', 'e', 's', 't', 0, 0, 0, 0, 11, 0xB9, 0xFF};
    EXPECT_EQ(two.payload, expect);
    for (int i = 0; i < 30; ++i) {
        char ssid[33];
        std::snprintf(ssid, sizeof ssid, "line-%02d-xxxxxxxxxxxxxxxxxxxxxxxx", i);
        r.radio.add(ssid, kWpa2Aes, "", -40);
    }
    const Reply many = r.request(kScan, 2);
    EXPECT_EQ(many.payload[1], 20);  // the first 20 of 32
    EXPECT_EQ(many.payload.size(), two.payload.size() + 18 * (1 + 32 + 4 + 1 + 2));
}

TEST(TestMode, TheLedShowsTestModeOrAHeldColour) {
    rig::Device r("photon");
    r.enter();
    r.run(50);
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
    EXPECT_EQ(r.request(kLed, 1, {0xFF, 0x00, 0x00, 1}).payload, Bytes{0});
    r.run(2000);
    EXPECT_EQ(r.ui.looks.back(), "TEST_LED ff0000 solid 0");
    const core::led::Pwm red = core::led::scale_color(0xFF0000, core::led::kDefaultBrightness);
    EXPECT_EQ(r.ui.drives.back(), std::to_string(red.r) + ",0,0");
    EXPECT_EQ(r.request(kLed, 2, {0x00, 0x80, 0xFF, 1}).status(), 0);  // the next LED replaces it
    r.run(30);
    EXPECT_EQ(r.ui.looks.back(), "TEST_LED 0080ff solid 0");
    EXPECT_EQ(r.request(kLed, 3, {0x00, 0x00, 0x00, 0}).status(), 0);  // given back
    r.run(30);
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
    EXPECT_EQ(r.request(kLed, 4, {1, 2, 3, 2}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
}

TEST(TestMode, ButtonPressesAreCountedNotTakenAsGestures) {
    rig::Device r("photon");
    r.button.down();  // held as test mode begins: not a press
    r.run(20);
    r.enter();
    r.run(20);
    EXPECT_EQ(r.request(kButton, 1).payload, (Bytes{0, 1, 0, 0}));  // down, no presses
    r.button.up();
    r.run(20);
    r.ui.buttons.clear();
    ASSERT_TRUE(r.button.script(3, 100, 100));
    r.run(700);
    EXPECT_EQ(r.request(kButton, 2).payload, (Bytes{0, 0, 3, 0}));
    ASSERT_TRUE(r.button.script(1, 4000, 0));  // a hold that would start listening mode
    r.run(2000);
    EXPECT_EQ(r.request(kButton, 3).payload, (Bytes{0, 1, 4, 0}));
    r.run(2500);
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(r.ui.buttons.empty());  // no status, click or final reports
}
