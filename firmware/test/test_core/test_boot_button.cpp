// The SETUP button held through a reset (spec led-and-button.md §6, §9, §10) on virtual
// 10 ms ticks: the bootloader's HOLD chain, its LED feedback and its decision.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "core/boot_button.hpp"

using core::button::BootButton;
using core::button::BootChoice;
using core::button::BootFlag;
using core::led::Look;
using core::led::Pattern;

namespace {

constexpr std::uint32_t kOff = 0, kMagenta = 0xFF00FF, kYellow = 0xFFFF00, kGreen = 0x00FF00,
                        kWhite = 0xFFFFFF;

// The button is let go release_ms after the bootloader starts: a tick exactly then still sees
// it pressed, so the held time is release_ms rounded down to the tick. The loop may end first
// (12 s); the ticks after that change nothing.
void hold_then_release(BootButton& boot, std::uint32_t release_ms) {
    for (std::uint32_t t = 10; t <= release_ms; t += 10) boot.tick(true);
    EXPECT_FALSE(boot.tick(false));
    EXPECT_FALSE(boot.holding());
}

const char* name(BootChoice choice) {
    switch (choice) {
    case BootChoice::normal: return "normal";
    case BootChoice::safe_mode: return "safe_mode";
    case BootChoice::dfu: return "dfu";
    case BootChoice::factory_restore: return "factory_restore";
    }
    return "?";
}

}  // namespace

TEST(BootButton, ThresholdTableInEvaluationOrder) {
    struct Row {
        BootFlag flag;
        std::uint32_t ms;
        bool strictly_after;
        std::uint32_t rgb;
    };
    const Row rows[] = {
        {BootFlag::reset_settings, 10000, true, kWhite},
        {BootFlag::factory, 6500, true, kGreen},
        {BootFlag::dfu, 3000, false, kYellow},
        {BootFlag::safe, 1000, false, kMagenta},
    };
    for (int i = 0; i < 4; ++i) {
        const core::button::BootThreshold& t = core::button::kBootThresholds[i];
        EXPECT_EQ(t.flag, rows[i].flag) << i;
        EXPECT_EQ(t.ms, rows[i].ms) << i;
        EXPECT_EQ(t.strictly_after, rows[i].strictly_after) << i;
        EXPECT_EQ(t.rgb, rows[i].rgb) << i;
    }
    EXPECT_EQ(core::button::kBootHoldLimitMs, 12000u);
}

// §9.1 boot-time gestures and §10's vectors, with the ">=" / ">" boundaries at 10 ms.
TEST(BootButton, ReleaseDecidesAndTheLedShowsIt) {
    struct Row {
        std::uint32_t release_ms;
        bool factory_image;
        BootChoice choice;
        bool reset_settings;
        std::uint32_t held_ms;
        std::uint32_t rgb;  // kOff: showing() is false
        std::uint16_t period_ms;
    };
    const BootChoice N = BootChoice::normal, S = BootChoice::safe_mode, D = BootChoice::dfu,
                     F = BootChoice::factory_restore;
    const Row rows[] = {
        {0, true, N, false, 0, kOff, 0},  // not pressed at start
        {900, true, N, false, 900, kOff, 0},
        {999, true, N, false, 990, kOff, 0},
        {1000, true, S, false, 1000, kMagenta, 200},  // >= 1000
        {1500, false, S, false, 1500, kMagenta, 200},
        {2999, true, S, false, 2990, kMagenta, 200},
        {3000, true, D, false, 3000, kYellow, 200},  // >= 3000
        {4000, false, D, false, 4000, kYellow, 200},
        {6500, true, D, false, 6500, kYellow, 200},  // not > 6500
        {6510, true, F, false, 6510, kGreen, 100},
        {6510, false, D, false, 6510, kYellow, 200},  // no factory image: stays DFU
        {8000, true, F, false, 8000, kGreen, 100},
        {8000, false, D, false, 8000, kYellow, 200},
        {10000, true, F, false, 10000, kGreen, 100},  // not > 10000
        {10000, false, D, false, 10000, kYellow, 200},
        {10010, true, F, true, 10010, kWhite, 100},
        {10010, false, N, true, 10010, kWhite, 100},  // reset settings: normal, not DFU/safe
        {11000, true, F, true, 11000, kWhite, 100},
        {11000, false, N, true, 11000, kWhite, 100},
        {11990, false, N, true, 11990, kWhite, 100},
        {12000, true, F, true, 12000, kWhite, 100},  // the limit ends the loop
        {13000, true, F, true, 12000, kWhite, 100},
        {13000, false, N, true, 12000, kWhite, 100},
    };
    for (const Row& r : rows) {
        BootButton boot(r.factory_image);
        hold_then_release(boot, r.release_ms);
        const auto at = testing::Message() << r.release_ms << " ms, factory image "
                                           << r.factory_image;
        EXPECT_EQ(boot.held_ms(), r.held_ms) << at;
        const core::button::BootDecision decision = boot.decide();
        EXPECT_STREQ(name(decision.choice), name(r.choice)) << at;
        EXPECT_EQ(decision.reset_settings, r.reset_settings) << at;
        EXPECT_EQ(boot.showing(), r.rgb != kOff) << at;
        if (r.rgb == kOff) continue;
        const Look look = boot.look();
        EXPECT_EQ(look.rgb, r.rgb) << at;
        EXPECT_EQ(look.pattern, Pattern::blink) << at;
        EXPECT_EQ(look.period_ms, r.period_ms) << at;
    }
}

// One continuous hold: the flags and the LED after each tick that changes them.
TEST(BootButton, StagesOfOneHold) {
    struct Stage {
        std::uint32_t at_ms;
        bool safe, dfu, factory, reset_settings;
        std::uint32_t rgb;
        std::uint16_t period_ms;
    };
    const Stage with_image[] = {
        {10, false, false, false, false, kOff, 0},
        {990, false, false, false, false, kOff, 0},
        {1000, true, false, false, false, kMagenta, 200},
        {2990, true, false, false, false, kMagenta, 200},
        {3000, true, true, false, false, kYellow, 200},
        {6500, true, true, false, false, kYellow, 200},
        {6510, true, true, true, false, kGreen, 100},
        {10000, true, true, true, false, kGreen, 100},
        {10010, true, true, true, true, kWhite, 100},
        {11990, true, true, true, true, kWhite, 100},
    };
    const Stage without_image[] = {
        {1000, true, false, false, false, kMagenta, 200},
        {3000, true, true, false, false, kYellow, 200},
        {6510, true, true, false, false, kYellow, 200},  // the factory row does nothing
        {10000, true, true, false, false, kYellow, 200},
        {10010, true, true, false, true, kWhite, 100},   // reset-settings rate comes first
    };
    struct Case {
        bool factory_image;
        const Stage* stages;
        std::size_t count;
    };
    const Case cases[] = {{true, with_image, sizeof with_image / sizeof with_image[0]},
                          {false, without_image, sizeof without_image / sizeof without_image[0]}};
    for (const Case& c : cases) {
        BootButton boot(c.factory_image);
        EXPECT_TRUE(boot.holding());
        std::uint32_t t = 0;
        for (std::size_t i = 0; i < c.count; ++i) {
            const Stage& s = c.stages[i];
            while (t < s.at_ms) {
                ASSERT_TRUE(boot.tick(true));
                t += 10;
            }
            const auto at = testing::Message() << s.at_ms << " ms, image " << c.factory_image;
            EXPECT_TRUE(boot.holding()) << at;
            EXPECT_EQ(boot.held_ms(), s.at_ms) << at;
            EXPECT_EQ(boot.armed(BootFlag::safe), s.safe) << at;
            EXPECT_EQ(boot.armed(BootFlag::dfu), s.dfu) << at;
            EXPECT_EQ(boot.armed(BootFlag::factory), s.factory) << at;
            EXPECT_EQ(boot.armed(BootFlag::reset_settings), s.reset_settings) << at;
            EXPECT_EQ(boot.showing(), s.rgb != kOff) << at;
            if (s.rgb == kOff) continue;
            EXPECT_EQ(boot.look().rgb, s.rgb) << at;
            EXPECT_EQ(boot.look().pattern, Pattern::blink) << at;
            EXPECT_EQ(boot.look().period_ms, s.period_ms) << at;
        }
    }
}

TEST(BootButton, LoopEndsAtTwelveSecondsAndThenStaysPut) {
    BootButton boot(false);
    for (int i = 1; i < 1200; ++i) ASSERT_TRUE(boot.tick(true)) << i;
    EXPECT_TRUE(boot.holding());
    EXPECT_FALSE(boot.tick(true));  // the 1200th tick: 12000 ms
    EXPECT_FALSE(boot.holding());
    EXPECT_EQ(boot.held_ms(), 12000u);
    EXPECT_FALSE(boot.tick(true));
    EXPECT_FALSE(boot.tick(false));
    EXPECT_EQ(boot.held_ms(), 12000u);
    EXPECT_EQ(boot.decide().choice, BootChoice::normal);
    EXPECT_TRUE(boot.decide().reset_settings);

    BootButton released(true);
    released.tick(true);
    EXPECT_FALSE(released.tick(false));
    EXPECT_FALSE(released.tick(true));  // pressing again after the loop is ignored
    EXPECT_EQ(released.held_ms(), 10u);
    EXPECT_FALSE(released.showing());
    EXPECT_EQ(released.decide().choice, BootChoice::normal);
}
