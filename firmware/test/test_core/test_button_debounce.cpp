// The SETUP button's debounce layer on virtual 10 ms ticks (spec led-and-button.md §8.1).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "core/button_debounce.hpp"

using core::button::Debounce;
using core::button::Edge;

namespace {

// One tick: the pin level the board samples, what the layer reports after it.
struct Step {
    bool pin;
    Edge edge;
    std::uint32_t held_ms;
    bool active;
};

void run(const Step* steps, std::size_t count) {
    Debounce debounce;
    for (std::size_t i = 0; i < count; ++i) {
        const Step& s = steps[i];
        EXPECT_EQ(debounce.tick(s.pin), s.edge) << "tick " << i;
        EXPECT_EQ(debounce.held_ms(), s.held_ms) << "tick " << i;
        EXPECT_EQ(debounce.active(), s.active) << "tick " << i;
    }
}

}  // namespace

TEST(ButtonDebounce, IdlePressHoldRelease) {
    const Step steps[] = {
        {false, Edge::none, 0, false},    // idle: nothing, debounce_time 0
        {false, Edge::none, 0, false},
        {true, Edge::press, 20, true},    // the edge's tick: PRESS, 10 + 10
        {true, Edge::none, 30, true},     // +10 per tick
        {true, Edge::none, 40, true},
        {false, Edge::release, 0, false}, // first released tick: RELEASE, back to 0
        {false, Edge::none, 0, false},    // only once
        {true, Edge::press, 20, true},    // a new press starts from scratch
        {false, Edge::release, 0, false}, // a one-tick press still pairs PRESS and RELEASE
        {true, Edge::press, 20, true},
    };
    run(steps, sizeof steps / sizeof steps[0]);
}

TEST(ButtonDebounce, HeldForReadsTenMoreThanThePressedTicks) {
    // HeldFor(T) is held_ms() >= T: after n pressed ticks held_ms() is 10 n + 10, so
    // HeldFor(3000) first holds on the 299th tick and HeldFor(10000) on the 999th.
    struct Row {
        std::uint32_t ticks;
        std::uint32_t held_ms;
    };
    const Row rows[] = {{1, 20}, {2, 30}, {50, 510}, {298, 2990}, {299, 3000}, {999, 10000}};
    for (const Row& r : rows) {
        Debounce debounce;
        for (std::uint32_t i = 0; i < r.ticks; ++i) debounce.tick(true);
        EXPECT_EQ(debounce.held_ms(), r.held_ms) << r.ticks << " ticks";
        EXPECT_TRUE(debounce.active());
    }
}

TEST(ButtonDebounce, LongHoldKeepsCountingAndReleasesOnce) {
    Debounce debounce;
    EXPECT_EQ(debounce.tick(true), Edge::press);
    for (int i = 0; i < 100000; ++i) ASSERT_EQ(debounce.tick(true), Edge::none);
    EXPECT_EQ(debounce.held_ms(), 1000020u);
    EXPECT_EQ(debounce.tick(false), Edge::release);
    EXPECT_EQ(debounce.tick(false), Edge::none);
    EXPECT_EQ(debounce.held_ms(), 0u);
}
