// The LED pattern engine on virtual time (spec led-and-button.md §1.1, §2, §7, §10).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/led_pattern.hpp"

using core::led::Look;
using core::led::Pattern;
using core::led::PatternEngine;
using core::led::Pwm;
using core::led::Speed;

namespace {
constexpr std::uint16_t kFull = 3735;  // 255 at brightness 96 (§1.1)
}

TEST(LedScale, SpecExamplesAtDefaultBrightness) {
    struct Row { std::uint8_t c8; std::uint8_t brightness; std::uint16_t ccr; };
    const Row rows[] = {
        {255, 96, 3735}, {0x11, 96, 249}, {0x60, 96, 1406}, {0x0A, 96, 146}, {0, 96, 0},
        {255, 255, 9922}, {255, 0, 0}, {128, 255, 4980}, {255, 48, 1867},
    };
    for (const Row& r : rows)
        EXPECT_EQ(core::led::scale_channel(r.c8, r.brightness), r.ccr)
            << int(r.c8) << " @ " << int(r.brightness);
    EXPECT_EQ(core::led::reported_channel(3735), 95);
    EXPECT_EQ(core::led::reported_channel(9922), 254);  // 255 at brightness 255
    EXPECT_EQ(core::led::reported_channel(10000), 255);  // clamped (256 does not fit)
    EXPECT_EQ(core::led::reported_channel(0), 0);
    EXPECT_EQ(core::led::scale_color(0x1160FF, 96), (Pwm{249, 1406, kFull}));
}

TEST(LedSpeeds, NamedPeriods) {
    struct Row { Pattern p; Speed s; std::uint16_t ms; };
    const Row rows[] = {
        {Pattern::blink, Speed::slow, 500},     {Pattern::blink, Speed::normal, 200},
        {Pattern::blink, Speed::fast, 100},     {Pattern::breathe, Speed::slow, 8000},
        {Pattern::breathe, Speed::normal, 4000}, {Pattern::breathe, Speed::fast, 1000},
        {Pattern::solid, Speed::normal, 0},
    };
    for (const Row& r : rows) EXPECT_EQ(core::led::period_ms(r.p, r.s), r.ms);
}

TEST(LedPattern, OutputAtCharacteristicInstants) {
    const Look solid_grey{0x111111, Pattern::solid, 0};
    const Look blue_blink{0x0000FF, Pattern::blink, 500};
    const Look green_fast{0x00FF00, Pattern::blink, 100};
    const Look cyan_breathe{0x00FFFF, Pattern::breathe, 4000};
    const Look white_breathe_fast{0xFFFFFF, Pattern::breathe, 1000};
    struct Row { const Look* look; std::uint32_t t; Pwm out; };
    const Row rows[] = {
        {&solid_grey, 0, {249, 249, 249}},
        {&solid_grey, 12345, {249, 249, 249}},
        // blink 500: on at start, on until the half, off at the half, on again at the wrap
        {&blue_blink, 0, {0, 0, kFull}},
        {&blue_blink, 225, {0, 0, kFull}},
        {&blue_blink, 249, {0, 0, kFull}},   // quantised to 225
        {&blue_blink, 250, {0, 0, 0}},
        {&blue_blink, 499, {0, 0, 0}},
        {&blue_blink, 500, {0, 0, kFull}},
        {&blue_blink, 1250, {0, 0, 0}},
        // fast blink 100: 50 on / 50 off
        {&green_fast, 0, {0, kFull, 0}},
        {&green_fast, 25, {0, kFull, 0}},
        {&green_fast, 50, {0, 0, 0}},
        {&green_fast, 75, {0, 0, 0}},
        {&green_fast, 100, {0, kFull, 0}},
        // breathe 4000: full, down to 0 at the half, back up to full at the wrap
        {&cyan_breathe, 0, {0, kFull, kFull}},
        {&cyan_breathe, 25, {0, 3688, 3688}},
        {&cyan_breathe, 37, {0, 3688, 3688}},
        {&cyan_breathe, 1000, {0, 1867, 1867}},
        {&cyan_breathe, 1975, {0, 46, 46}},
        {&cyan_breathe, 2000, {0, 0, 0}},
        {&cyan_breathe, 3000, {0, 1867, 1867}},
        {&cyan_breathe, 3975, {0, 3688, 3688}},
        {&cyan_breathe, 4000, {0, kFull, kFull}},
        {&cyan_breathe, 6000, {0, 0, 0}},
        {&white_breathe_fast, 250, {1867, 1867, 1867}},
        {&white_breathe_fast, 500, {0, 0, 0}},
        {&white_breathe_fast, 1000, {kFull, kFull, kFull}},
    };
    for (const Row& r : rows)
        EXPECT_EQ(PatternEngine::render(*r.look, 96, r.t), r.out)
            << std::hex << r.look->rgb << std::dec << " t=" << r.t;
}

TEST(LedPattern, BreathingCyanSamplerVector) {  // §10
    const Look cyan{0x00FFFF, Pattern::breathe, 4000};
    std::vector<std::uint16_t> seen;
    for (std::uint32_t t = 0; t <= 2000; t += 25) {
        const Pwm out = PatternEngine::render(cyan, 96, t);
        EXPECT_EQ(out.r, 0);
        EXPECT_EQ(out.g, out.b);
        EXPECT_EQ(out.g, 3735u * (2000 - t) / 2000) << t;
        seen.push_back(out.g);
    }
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen[0], 3735);
    EXPECT_EQ(seen[1], 3688);
    EXPECT_EQ(seen[2], 3641);
    EXPECT_EQ(seen.back(), 0);
}

TEST(LedPattern, BrightnessScalesThePattern) {
    const Look blue_breathe{0x0000FF, Pattern::breathe, 4000};
    struct Row { std::uint8_t brightness; std::uint32_t t; std::uint16_t b; };
    const Row rows[] = {
        {255, 0, 9922}, {255, 1000, 4961}, {255, 2000, 0},
        {48, 0, 1867}, {48, 1000, 933}, {0, 0, 0}, {0, 1000, 0},
    };
    for (const Row& r : rows)
        EXPECT_EQ(PatternEngine::render(blue_breathe, r.brightness, r.t).b, r.b)
            << int(r.brightness) << " t=" << r.t;
}

TEST(LedEngine, DarkUntilShownThenFollowsTheLook) {
    PatternEngine e;
    EXPECT_FALSE(e.showing());
    EXPECT_EQ(e.output(1000), (Pwm{0, 0, 0}));
    e.show({0x0000FF, Pattern::blink, 500}, 1000);
    EXPECT_EQ(e.output(1000), (Pwm{0, 0, kFull}));
    EXPECT_EQ(e.output(1250), (Pwm{0, 0, 0}));
    EXPECT_EQ(e.output(1500), (Pwm{0, 0, kFull}));
    e.set_brightness(255);
    EXPECT_EQ(e.output(1500), (Pwm{0, 0, 9922}));
}

TEST(LedEngine, PhaseKeptWhenOnlyTheColourChanges) {  // §2 "Phase"
    PatternEngine e;
    e.show({0x00FF00, Pattern::breathe, 4000}, 0);
    EXPECT_EQ(e.phase_ms(1010), 1000u);
    e.show({0x00FFFF, Pattern::breathe, 4000}, 1010);  // green → cyan: same shape
    EXPECT_EQ(e.phase_ms(1010), 1000u);
    EXPECT_EQ(e.output(1010), (Pwm{0, 1867, 1867}));
    e.show({0x00FFFF, Pattern::breathe, 1000}, 1010);  // period changes: restart
    EXPECT_EQ(e.phase_ms(1010), 0u);
    EXPECT_EQ(e.output(1010), (Pwm{0, kFull, kFull}));
    e.show({0x00FFFF, Pattern::blink, 1000}, 1260);  // pattern changes: restart
    EXPECT_EQ(e.phase_ms(1260), 0u);
    EXPECT_EQ(e.output(1759), (Pwm{0, kFull, kFull}));
    EXPECT_EQ(e.output(1760), (Pwm{0, 0, 0}));
}

TEST(LedSos, HardFaultSequenceVector) {  // §10: code 1, twice, then reset
    const std::uint32_t runs[] = {
        150, 100, 150, 100, 150, 100 + 100, 300, 100, 300, 100, 300, 100 + 100,
        150, 100, 150, 100, 150, 100 + 900, 300, 300 + 800,
    };
    core::led::SosPattern sos(1);
    EXPECT_EQ(sos.cycle_ms(), 5200u);
    std::uint32_t t = 0;
    for (int cycle = 0; cycle < 2; ++cycle) {
        bool on = true;
        for (std::uint32_t len : runs) {
            EXPECT_EQ(sos.lit(t), on) << "start " << t;
            EXPECT_EQ(sos.lit(t + len - 1), on) << "end " << t + len - 1;
            EXPECT_FALSE(sos.done(t));
            t += len;
            on = !on;
        }
    }
    EXPECT_EQ(t, 10400u);
    EXPECT_TRUE(sos.done(t));
    EXPECT_FALSE(sos.lit(t));
    EXPECT_EQ(sos.output(0), (Pwm{kFull, 0, 0}));
    EXPECT_EQ(sos.output(150), (Pwm{0, 0, 0}));
}

TEST(LedSos, CodeBlinksCycleLengthAndForever) {
    struct Row { std::uint8_t code; std::uint32_t cycle; const char* name; };
    const Row rows[] = {
        {1, 5200, "HardFault"}, {6, 8200, "InvalidLenth"}, {10, 10600, "AssertionFailure"},
        {13, 12400, "StackOverflow"}, {14, 13000, "HeapError"},
    };
    for (const Row& r : rows) {
        core::led::SosPattern sos(r.code);
        EXPECT_EQ(sos.cycle_ms(), r.cycle);
        EXPECT_STREQ(core::led::panic_name(r.code), r.name);
        // the code blinks start after S O S and 900 ms off (3800 ms in)
        for (std::uint32_t i = 0; i < r.code; ++i) {
            EXPECT_TRUE(sos.lit(3800 + 600 * i));
            EXPECT_FALSE(sos.lit(3800 + 600 * i + 300));
        }
        EXPECT_FALSE(sos.lit(r.cycle - 1));  // 800 ms off
        EXPECT_TRUE(sos.lit(r.cycle));       // second cycle
    }
    EXPECT_EQ(core::led::panic_name(0), nullptr);
    EXPECT_EQ(core::led::panic_name(15), nullptr);
    core::led::SosPattern debug(4, 0);
    EXPECT_FALSE(debug.done(100u * debug.cycle_ms()));
    EXPECT_TRUE(debug.lit(100u * debug.cycle_ms()));
}
