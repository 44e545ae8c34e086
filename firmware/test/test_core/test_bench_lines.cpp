// The bench's lines (protocol/fixture.md): BTN and RESET arguments, the scripted SETUP button
// played on the device's clock, and the exact text of the @LED/@LOOK/@BTN/@MODE events.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/bench_button.hpp"
#include "core/bench_lines.hpp"
#include "core/status_led.hpp"
#include "fake_board.hpp"

using core::BenchButton;
using core::bench::button_command;
using core::bench::parse_decimal;
using core::bench::reset_command;

namespace {

// Each write() as one string: an event line must be written whole.
class Port final : public hal::ConsolePort {
public:
    std::vector<std::string> writes;
    std::size_t available() override { return 0; }
    int read() override { return -1; }
    void write(const std::uint8_t* data, std::size_t len) override {
        writes.emplace_back(reinterpret_cast<const char*>(data), len);
    }
};

// pressed() sampled every ms in [from, to) after `origin`, as the times where it changes
// ("+t" pressed, "-t" released), starting from the level at `from`.
std::string edges(fake::Clock& clock, BenchButton& button, std::uint32_t origin,
                  std::uint32_t from, std::uint32_t to) {
    std::string out;
    bool level = false;
    for (std::uint32_t t = from; t < to; ++t) {
        clock.now = origin + t;
        const bool p = button.pressed();
        if (t == from || p != level) out += (out.empty() ? "" : " ") + std::string(p ? "+" : "-") +
                                            std::to_string(t);
        level = p;
    }
    return out;
}

}  // namespace

TEST(BenchLines, ParseDecimalAcceptsExactlyTheDigitsUpToMax) {
    struct Case {
        const char* text;
        std::uint32_t max;
        bool ok;
        std::uint32_t value;
    };
    const Case cases[] = {
        {"0", 10, true, 0},          {"600000", 600000, true, 600000},
        {"0600000", 600000, true, 600000},                 // leading zeros are digits
        {"600001", 600000, false, 0}, {"4294967295", 0xFFFFFFFFu, true, 0xFFFFFFFFu},
        {"4294967296", 0xFFFFFFFFu, false, 0}, {"99999999999", 0xFFFFFFFFu, false, 0},
        {"", 10, false, 0},          {"12a", 100, false, 0},  {"-1", 10, false, 0},
        {"+1", 10, false, 0},        {" 1", 10, false, 0},    {"1 ", 10, false, 0},
        {"5", 5, true, 5},           {"7", 5, false, 0},      {"0", 0, true, 0},
        {"1", 0, false, 0},          {"19", 15, false, 0},
    };
    for (const Case& c : cases) {
        std::uint32_t out = 12345;
        EXPECT_EQ(parse_decimal(c.text, c.max, &out), c.ok) << '"' << c.text << "\" max " << c.max;
        EXPECT_EQ(out, c.ok ? c.value : 12345u) << c.text;
    }
}

TEST(BenchLines, ButtonCommandArguments) {
    struct Case {
        const char* args;
        bool ok;
        const char* edges;  // pressed() over the first 1000 ms when carried out
    };
    const Case cases[] = {
        {"DOWN", true, "+0"},
        {"UP", true, "-0"},
        {"PRESS 100", true, "+0 -100"},
        {"PRESS 1", true, "+0 -1"},
        {"PRESS 600000", true, "+0"},
        {"CLICKS 3 100 200", true, "+0 -100 +300 -400 +600 -700"},
        {"CLICKS 1 50 0", true, "+0 -50"},
        {"CLICKS 20 10 10", true, "+0 -10 +20 -30 +40 -50 +60 -70 +80 -90 +100 -110 +120 -130 "
                                  "+140 -150 +160 -170 +180 -190 +200 -210 +220 -230 +240 -250 "
                                  "+260 -270 +280 -290 +300 -310 +320 -330 +340 -350 +360 -370 "
                                  "+380 -390"},
        {"CLICKS 2 100 600000", true, "+0 -100"},
        // Invalid: nothing changes (the button stays down from the DOWN before).
        {"", false, nullptr},
        {"down", false, nullptr},
        {"DOWN ", false, nullptr},
        {"DOWN 1", false, nullptr},
        {"HOLD", false, nullptr},
        {"JUNK 5", false, nullptr},
        {"PRESSED 100", false, nullptr},
        {"PRESS", false, nullptr},
        {"PRESS ", false, nullptr},
        {"PRESS 100 ", false, nullptr},
        {"PRESS  100", false, nullptr},
        {"PRESS 100 200", false, nullptr},
        {"PRESS 0", false, nullptr},
        {"PRESS 600001", false, nullptr},
        {"PRESS 4294967296", false, nullptr},
        {"PRESS 000000000000100", false, nullptr},  // longer than any number may be
        {"PRESS -5", false, nullptr},
        {"PRESS 1e3", false, nullptr},
        {"PRESS abc", false, nullptr},
        {"CLICKS", false, nullptr},
        {"CLICKS 3", false, nullptr},
        {"CLICKS 3 100", false, nullptr},
        {"CLICKS 3 100 200 5", false, nullptr},
        {"CLICKS 3 100 200 ", false, nullptr},
        {"CLICKS 0 100 200", false, nullptr},
        {"CLICKS 21 100 200", false, nullptr},
        {"CLICKS 3 0 200", false, nullptr},
        {"CLICKS 3 600001 200", false, nullptr},
        {"CLICKS 3 100 600001", false, nullptr},
        {"CLICKS 3 x 200", false, nullptr},
    };
    for (const Case& c : cases) {
        fake::Clock clock;
        BenchButton button(clock);
        button.down();
        const char* error = button_command(c.args, button);
        if (!c.ok) {
            EXPECT_STREQ(error, "bad argument") << '"' << c.args << '"';
            EXPECT_FALSE(button.busy()) << c.args;
            EXPECT_EQ(edges(clock, button, clock.now, 0, 1000), "+0") << c.args;
            continue;
        }
        EXPECT_EQ(error, nullptr) << c.args;
        EXPECT_EQ(edges(clock, button, clock.now, 0, 1000), c.edges) << c.args;
    }
}

TEST(BenchLines, ResetCommandArguments) {
    struct Case {
        const char* args;
        bool ok;
        std::uint32_t hold_ms;
    };
    const Case cases[] = {
        {"", true, 0},          {"HOLD 5000", true, 5000},   {"HOLD 1", true, 1},
        {"HOLD 600000", true, 600000},                      {"HOLD 600001", false, 0},
        {"HOLD 0", false, 0},   {"HOLD", false, 0},          {"HOLD ", false, 0},
        {"HOLD 5000 ", false, 0}, {"HOLD 5000 1", false, 0}, {"HOLD x", false, 0},
        {"HOLD -1", false, 0},  {"hold 5", false, 0},        {" ", false, 0},
        {"NOW", false, 0},      {"HOLDS 5", false, 0},       {"HOLD 99999999999", false, 0},
    };
    for (const Case& c : cases) {
        std::uint32_t hold = 777;
        const char* error = reset_command(c.args, &hold);
        if (c.ok) EXPECT_EQ(error, nullptr) << '"' << c.args << '"';
        else EXPECT_STREQ(error, "bad argument") << '"' << c.args << '"';
        EXPECT_EQ(hold, c.hold_ms) << '"' << c.args << '"';
    }
}

TEST(BenchButton, ScriptsAreValidatedBeforeAnythingChanges) {
    struct Case {
        std::uint32_t count, press, gap;
        bool ok;
    };
    const Case cases[] = {
        {1, 1, 0, true},        {20, 600000, 600000, true}, {0, 100, 100, false},
        {21, 100, 100, false},  {1, 0, 100, false},         {1, 600001, 0, false},
        {2, 100, 600001, false},
    };
    for (const Case& c : cases) {
        fake::Clock clock;
        BenchButton button(clock);
        button.down();
        EXPECT_EQ(button.script(c.count, c.press, c.gap), c.ok) << c.count << " " << c.press;
        EXPECT_EQ(button.busy(), c.ok);
        EXPECT_TRUE(button.pressed());  // a script starts pressed; a refused one changes nothing
    }
}

TEST(BenchButton, AHoldIsPlayedOnTheDevicesClock) {
    fake::Clock clock;
    BenchButton button(clock);
    const std::uint32_t t0 = clock.now;
    ASSERT_TRUE(button.script(1, 3000, 0));
    EXPECT_EQ(edges(clock, button, t0, 0, 3000), "+0");
    EXPECT_TRUE(button.busy());  // at 2999
    clock.now = t0 + 3000;
    EXPECT_FALSE(button.busy());
    EXPECT_EQ(edges(clock, button, t0, 3000, 5000), "-3000");
}

TEST(BenchButton, ClicksWithGapsAndTheEndOfTheScript) {
    fake::Clock clock;
    BenchButton button(clock);
    const std::uint32_t t0 = clock.now;
    ASSERT_TRUE(button.script(3, 100, 200));
    EXPECT_EQ(edges(clock, button, t0, 0, 700), "+0 -100 +300 -400 +600");
    EXPECT_TRUE(button.busy());  // at 699
    clock.now = t0 + 700;
    EXPECT_FALSE(button.busy());  // the last release ends it, not the gap after it
    // No fourth press at 900, nor any later.
    EXPECT_EQ(edges(clock, button, t0, 700, 3000), "-700");
}

TEST(BenchButton, ScriptsRunAcrossTheClockWrap) {
    fake::Clock clock;
    clock.now = 0xFFFFFF00u;
    BenchButton button(clock);
    ASSERT_TRUE(button.script(2, 300, 100));
    EXPECT_EQ(edges(clock, button, 0xFFFFFF00u, 0, 2000), "+0 -300 +400 -700");
}

TEST(BenchButton, DownAndUpOverrideAScriptAndANewScriptReplacesOne) {
    fake::Clock clock;
    BenchButton button(clock);
    const std::uint32_t t0 = clock.now;
    ASSERT_TRUE(button.script(3, 100, 200));
    clock.now = t0 + 50;
    button.up();  // in the middle of the first press
    EXPECT_FALSE(button.busy());
    EXPECT_EQ(edges(clock, button, t0, 50, 1000), "-50");  // the script's presses are gone

    ASSERT_TRUE(button.script(3, 100, 200));  // at t0 + 999
    clock.now = t0 + 999 + 150;               // in a gap
    button.down();
    EXPECT_EQ(edges(clock, button, t0, 1149, 5000), "+1149");  // held until told otherwise

    clock.now = t0 + 5000;
    ASSERT_TRUE(button.script(1, 5000, 0));
    clock.now = t0 + 5100;
    ASSERT_TRUE(button.script(2, 50, 50));  // replaces the hold
    EXPECT_EQ(edges(clock, button, t0, 5100, 12000), "+5100 -5150 +5200 -5250");
}

TEST(EventLines, EachEventIsOneLineOfTheProtocolsText) {
    fake::Clock clock;
    Port port;
    core::bench::EventLines lines(clock, port);
    using core::led::Pattern;
    clock.now = 1234;
    lines.drive(0, 146, 3735);
    lines.showing("LISTENING_MODE", {0x0000FF, Pattern::blink, 500});
    lines.showing("NETWORK_CONNECTED", {0x00FF00, Pattern::breathe, 4000});
    lines.showing("POWER_OFF", {0x111111, Pattern::solid, 0});
    lines.showing("RSSI", {0x000A00, Pattern::solid, 750});  // solid: no period
    lines.showing("OFF", {0, Pattern::solid, 0});
    lines.button("status", 0);
    lines.button("status", 2980);
    lines.button("click", 2);
    lines.button("final", 5);
    lines.button("cleared", 1);
    lines.mode("listening");
    clock.now = 0;
    lines.mode("bootloader");
    clock.now = 0xFFFFFFFFu;
    lines.drive(10000, 0, 0);
    lines.showing("BOOT_RESET_SETTINGS", {0xFFFFFF, Pattern::blink, 100});
    EXPECT_EQ(port.writes, (std::vector<std::string>{
                               "@LED 1234 0 146 3735\n",
                               "@LOOK 1234 LISTENING_MODE 0000ff blink 500\n",
                               "@LOOK 1234 NETWORK_CONNECTED 00ff00 breathe 4000\n",
                               "@LOOK 1234 POWER_OFF 111111 solid 0\n",
                               "@LOOK 1234 RSSI 000a00 solid 0\n",
                               "@LOOK 1234 OFF 000000 solid 0\n",
                               "@BTN 1234 status 0\n",
                               "@BTN 1234 status 2980\n",
                               "@BTN 1234 click 2\n",
                               "@BTN 1234 final 5\n",
                               "@BTN 1234 cleared 1\n",
                               "@MODE 1234 listening\n",
                               "@MODE 0 bootloader\n",
                               "@LED 4294967295 10000 0 0\n",
                               "@LOOK 4294967295 BOOT_RESET_SETTINGS ffffff blink 100\n"}));
}

TEST(EventLines, TheLedServiceWritesWhatIsShownThenHowItIsDriven) {
    fake::Clock clock;
    Port port;
    core::bench::EventLines lines(clock, port);
    core::led::StatusLed led(&lines, &lines);
    led.signal(core::led::Signal::listening_mode, true);
    for (; clock.now < 1500; clock.now += 5) led.update(clock.now);
    EXPECT_EQ(port.writes, (std::vector<std::string>{
                               "@LOOK 1000 LISTENING_MODE 0000ff blink 500\n",
                               "@LED 1000 0 0 3735\n", "@LED 1250 0 0 0\n"}));
}
