// The system LED signals and the status priority rules (spec led-and-button.md §3, §4).
#include <gtest/gtest.h>

#include <cstdint>

#include "core/led_signals.hpp"

using core::led::Level;
using core::led::Pattern;
using core::led::Signal;
using core::led::Source;
using core::led::StatusArbiter;

namespace {
std::uint8_t id(Signal s) { return static_cast<std::uint8_t>(s); }
}  // namespace

TEST(LedSignals, EveryRowAsTheSpecLists) {
    struct Row {
        Signal s; const char* name; std::uint32_t rgb; Pattern p; std::uint16_t period;
        Level level; std::uint8_t prio;
    };
    const Row rows[] = {
        {Signal::network_off, "NETWORK_OFF", 0xFFFFFF, Pattern::breathe, 4000, Level::background, 42},
        {Signal::network_on, "NETWORK_ON", 0x0000FF, Pattern::breathe, 4000, Level::background, 42},
        {Signal::network_connecting, "NETWORK_CONNECTING", 0x00FF00, Pattern::blink, 200, Level::normal, 82},
        {Signal::network_dhcp, "NETWORK_DHCP", 0x00FF00, Pattern::blink, 100, Level::normal, 82},
        {Signal::network_connected, "NETWORK_CONNECTED", 0x00FF00, Pattern::breathe, 4000, Level::background, 42},
        {Signal::cloud_connecting, "CLOUD_CONNECTING", 0x00FFFF, Pattern::blink, 200, Level::normal, 82},
        {Signal::cloud_handshake, "CLOUD_HANDSHAKE", 0x00FFFF, Pattern::blink, 100, Level::normal, 82},
        {Signal::cloud_connected, "CLOUD_CONNECTED", 0x00FFFF, Pattern::breathe, 4000, Level::background, 42},
        {Signal::safe_mode, "SAFE_MODE", 0xFF00FF, Pattern::breathe, 4000, Level::background, 42},
        {Signal::listening_mode, "LISTENING_MODE", 0x0000FF, Pattern::blink, 500, Level::critical, 162},
        {Signal::dfu_mode, "DFU_MODE", 0xFFFF00, Pattern::blink, 200, Level::none, 2},
        {Signal::firmware_update, "FIRMWARE_UPDATE", 0xFF00FF, Pattern::blink, 100, Level::none, 2},
        {Signal::power_off, "POWER_OFF", 0x111111, Pattern::solid, 0, Level::critical, 162},
    };
    static_assert(sizeof rows / sizeof rows[0] == core::led::kSignalCount, "13 signals");
    for (const Row& r : rows) {
        const core::led::SignalRow& row = core::led::signal_row(r.s);
        EXPECT_EQ(row.id, r.s);
        EXPECT_STREQ(row.name, r.name);
        EXPECT_EQ(row.look.rgb, r.rgb) << r.name;
        EXPECT_EQ(row.look.pattern, r.p) << r.name;
        EXPECT_EQ(row.look.period_ms, r.period) << r.name;
        EXPECT_EQ(row.level, r.level) << r.name;
        EXPECT_EQ(core::led::priority(core::led::system_level(r.s), Source::system), r.prio)
            << r.name;
        // the default theme's bytes decode to the same look
        const core::led::Look decoded = core::led::decode_theme(row.theme);
        EXPECT_EQ(decoded.rgb, r.rgb) << r.name;
        EXPECT_EQ(decoded.pattern, r.p) << r.name;
        EXPECT_EQ(decoded.period_ms, r.period) << r.name;
    }
}

TEST(LedSignals, ThemeNibblesWidenAndListeningLevelFollowsThreading) {
    const std::uint8_t grey[3] = {0x11, 0x11, 0x00};  // 0x1F1F1F stored as nibbles
    EXPECT_EQ(core::led::decode_theme(grey).rgb, 0x111111u);
    const std::uint8_t custom[3] = {0xA5, 0x73, 0xFF};
    const core::led::Look look = core::led::decode_theme(custom);
    EXPECT_EQ(look.rgb, 0xAA5577u);
    EXPECT_EQ(look.pattern, Pattern::breathe);
    EXPECT_EQ(look.period_ms, 12750);
    EXPECT_EQ(core::led::system_level(Signal::listening_mode, false), Level::critical);
    EXPECT_EQ(core::led::system_level(Signal::listening_mode, true), Level::normal);
    EXPECT_EQ(core::led::system_level(Signal::power_off, true), Level::critical);
}

TEST(LedPriority, ByteEncoding) {
    struct Row { Level level; Source source; std::uint8_t prio; };
    const Row rows[] = {
        {Level::normal, Source::system, 82},        {Level::normal, Source::application, 81},
        {Level::important, Source::application, 121}, {Level::background, Source::system, 42},
        {Level::critical, Source::system, 162},     {Level::critical, Source::application, 161},
    };
    for (const Row& r : rows) EXPECT_EQ(core::led::priority(r.level, r.source), r.prio);
}

TEST(LedArbiter, HigherPriorityWinsAndDeactivationRevealsTheNext) {
    StatusArbiter a;
    EXPECT_EQ(a.front(), StatusArbiter::kNone);
    ASSERT_TRUE(a.activate(Signal::network_off));
    EXPECT_EQ(a.front(), id(Signal::network_off));
    ASSERT_TRUE(a.activate(Signal::network_connecting));  // NORMAL over BACKGROUND
    ASSERT_TRUE(a.activate(Signal::network_on));          // BACKGROUND: under the NORMAL one
    EXPECT_EQ(a.front(), id(Signal::network_connecting));
    ASSERT_TRUE(a.activate(Signal::listening_mode));      // CRITICAL
    EXPECT_EQ(a.front(), id(Signal::listening_mode));
    a.deactivate(Signal::listening_mode);
    EXPECT_EQ(a.front(), id(Signal::network_connecting));
    a.deactivate(Signal::network_connecting);
    EXPECT_EQ(a.front(), id(Signal::network_on));  // latest of the two BACKGROUND ones
    a.deactivate(Signal::network_on);
    EXPECT_EQ(a.front(), id(Signal::network_off));
    a.deactivate(Signal::network_off);
    EXPECT_EQ(a.front(), StatusArbiter::kNone);
    a.deactivate(Signal::network_off);  // not active: no-op
    EXPECT_EQ(a.size(), 0u);
}

TEST(LedArbiter, TieRules) {
    struct Step { bool on; std::uint8_t id; std::uint8_t prio; int front; };
    const std::uint8_t kApp = 100;  // an application status id
    const std::uint8_t sys_normal = core::led::priority(Level::normal, Source::system);
    const std::uint8_t app_normal = core::led::priority(Level::normal, Source::application);
    const std::uint8_t app_important = core::led::priority(Level::important, Source::application);
    const std::uint8_t bg = core::led::priority(Level::background, Source::system);
    const Step steps[] = {
        // same level: the system wins whatever the order
        {true, id(Signal::cloud_connecting), sys_normal, id(Signal::cloud_connecting)},
        {true, kApp, app_normal, id(Signal::cloud_connecting)},
        {false, id(Signal::cloud_connecting), 0, kApp},
        {true, id(Signal::cloud_connecting), sys_normal, id(Signal::cloud_connecting)},
        // a higher level wins whatever the source
        {true, kApp, app_important, kApp},
        {false, kApp, 0, id(Signal::cloud_connecting)},
        // equal priority: the latest (re)activated wins
        {true, id(Signal::cloud_handshake), sys_normal, id(Signal::cloud_handshake)},
        {true, id(Signal::cloud_connecting), sys_normal, id(Signal::cloud_connecting)},
        {false, id(Signal::cloud_connecting), 0, id(Signal::cloud_handshake)},
        {false, id(Signal::cloud_handshake), 0, StatusArbiter::kNone},
        {true, id(Signal::network_connected), bg, id(Signal::network_connected)},
        {true, id(Signal::cloud_connected), bg, id(Signal::cloud_connected)},
        {true, id(Signal::network_connected), bg, id(Signal::network_connected)},
        // deactivating something under the front changes nothing visible
        {false, id(Signal::cloud_connected), 0, id(Signal::network_connected)},
    };
    StatusArbiter a;
    int n = 0;
    for (const Step& s : steps) {
        if (s.on)
            ASSERT_TRUE(a.activate(s.id, s.prio));
        else
            a.deactivate(s.id);
        EXPECT_EQ(a.front(), s.front) << "step " << n;
        ++n;
    }
    EXPECT_EQ(a.size(), 1u);  // re-activation never duplicates
}

TEST(LedArbiter, CriticalTiesListeningThreadedAndUnqueuedSignals) {
    StatusArbiter a;
    ASSERT_TRUE(a.activate(Signal::listening_mode));
    ASSERT_TRUE(a.activate(Signal::power_off));  // both CRITICAL: the latest wins
    EXPECT_EQ(a.front(), id(Signal::power_off));
    EXPECT_FALSE(a.activate(Signal::dfu_mode));          // bootloader only
    EXPECT_FALSE(a.activate(Signal::firmware_update));   // colour only
    EXPECT_FALSE(a.active(id(Signal::dfu_mode)));

    StatusArbiter threaded;  // SYSTEM_THREAD enabled: listening is NORMAL
    ASSERT_TRUE(threaded.activate(Signal::listening_mode, true));
    ASSERT_TRUE(threaded.activate(Signal::network_connecting, true));
    EXPECT_EQ(threaded.front(), id(Signal::network_connecting));
    ASSERT_TRUE(threaded.activate(Signal::listening_mode, true));
    EXPECT_EQ(threaded.front(), id(Signal::listening_mode));
}

TEST(LedArbiter, FixedCapacity) {
    StatusArbiter a;
    for (std::size_t i = 0; i < StatusArbiter::kCapacity; ++i)
        ASSERT_TRUE(a.activate(static_cast<std::uint8_t>(i), 42));
    EXPECT_FALSE(a.activate(200, 162));
    EXPECT_TRUE(a.activate(3, 162));  // already active: moves, needs no room
    EXPECT_EQ(a.front(), 3);
    EXPECT_EQ(a.size(), StatusArbiter::kCapacity);
}

TEST(LedArbiter, TypicalAutomaticBoot) {  // §4: white → blue → green → cyan
    struct Step { bool on; Signal s; Signal front; };
    const Step steps[] = {
        {true, Signal::network_off, Signal::network_off},            // breathing white
        {true, Signal::network_on, Signal::network_on},              // breathing blue
        {false, Signal::network_off, Signal::network_on},
        {true, Signal::network_connecting, Signal::network_connecting},  // blinking green
        {false, Signal::network_connecting, Signal::network_on},
        {true, Signal::network_dhcp, Signal::network_dhcp},          // fast blinking green
        {false, Signal::network_on, Signal::network_dhcp},
        {true, Signal::network_connected, Signal::network_dhcp},     // underneath
        {false, Signal::network_dhcp, Signal::network_connected},    // breathing green
        {true, Signal::cloud_connecting, Signal::cloud_connecting},  // blinking cyan
        {false, Signal::cloud_connecting, Signal::network_connected},
        {true, Signal::cloud_handshake, Signal::cloud_handshake},    // fast blinking cyan
        {false, Signal::cloud_handshake, Signal::network_connected},
        {true, Signal::cloud_connected, Signal::cloud_connected},    // breathing cyan
    };
    StatusArbiter a;
    int n = 0;
    for (const Step& s : steps) {
        if (s.on)
            ASSERT_TRUE(a.activate(s.s));
        else
            a.deactivate(s.s);
        EXPECT_EQ(a.front(), id(s.front)) << "step " << n;
        ++n;
    }
}
