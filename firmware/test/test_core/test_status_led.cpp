// The LED service on virtual time (spec led-and-button.md §2, §3, §5): what a recording LED
// and watcher see while signals come and go, §5 indications play and the LED is driven
// directly. update() runs every 5 ms, as the device loop calls it; times in the records are
// ms after kT0. Full 255 at brightness 96 is 3735, 0x11 is 249, 0x0A is 146 (§1.1).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/status_led.hpp"

using core::led::Look;
using core::led::Pattern;
using core::led::Pwm;
using core::led::Signal;
using core::led::StatusLed;

namespace {

constexpr std::uint32_t kT0 = 100000;

std::string rgb(std::uint16_t r, std::uint16_t g, std::uint16_t b) {
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b);
}
std::string rgb(const Pwm& p) { return rgb(p.r, p.g, p.b); }

std::string describe(const char* name, const Look& look) {
    static const char* const kPatterns[] = {"?", "solid", "blink", "breathe"};
    char hex[8];
    std::snprintf(hex, sizeof hex, "%06x", static_cast<unsigned>(look.rgb));
    return std::string(name) + " " + hex + " " + kPatterns[static_cast<int>(look.pattern)] + " " +
           std::to_string(look.period_ms);
}

// Records "ms:r,g,b" per drive() and "ms:NAME rrggbb pattern period" per showing().
class Recorder final : public hal::RgbLed, public core::led::LedWatcher {
public:
    explicit Recorder(const std::uint32_t& now) : now_(now) {}
    void drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) override {
        drives.push_back(stamp() + rgb(r, g, b));
    }
    void showing(const char* name, const Look& look) override {
        looks.push_back(stamp() + describe(name, look));
    }
    // The records at or after `ms`.
    static std::vector<std::string> from(const std::vector<std::string>& v, std::uint32_t ms) {
        std::vector<std::string> out;
        for (const auto& e : v)
            if (std::stoul(e) >= ms) out.push_back(e);
        return out;
    }
    std::vector<std::string> drives, looks;

private:
    std::string stamp() const { return std::to_string(now_ - kT0) + ":"; }
    const std::uint32_t& now_;
};

struct Rig {
    std::uint32_t now = kT0;
    Recorder rec{now};
    StatusLed led{&rec, &rec};
    int updates = 0;
    // update() at every 5 ms step before `ms`; `now` is left at ms, not yet updated.
    void to(std::uint32_t ms) {
        while (now < kT0 + ms) {
            led.update(now);
            ++updates;
            now += 5;
        }
    }
};

}  // namespace

TEST(StatusLed, PrioritiesAndTheTieRuleDecideWhatIsShown) {
    using S = Signal;
    struct Case {
        std::vector<Signal> on;  // in activation order
        const char* shown;
        std::string out;
    };
    const std::string blue = "0,0,3735", green = "0,3735,0";
    const char* const listening = "LISTENING_MODE 0000ff blink 500";
    const Case cases[] = {
        {{S::network_on}, "NETWORK_ON 0000ff breathe 4000", blue},
        {{S::network_on, S::network_connecting}, "NETWORK_CONNECTING 00ff00 blink 200", green},
        {{S::network_connecting, S::network_on}, "NETWORK_CONNECTING 00ff00 blink 200", green},
        {{S::network_on, S::network_connecting, S::listening_mode}, listening, blue},
        {{S::listening_mode, S::network_connecting, S::network_on}, listening, blue},
        // Equal priority: the latest activated wins.
        {{S::network_off, S::network_on}, "NETWORK_ON 0000ff breathe 4000", blue},
        {{S::network_on, S::network_off}, "NETWORK_OFF ffffff breathe 4000", "3735,3735,3735"},
        {{S::safe_mode, S::network_connected}, "NETWORK_CONNECTED 00ff00 breathe 4000", green},
        {{S::listening_mode, S::power_off}, "POWER_OFF 111111 solid 0", "249,249,249"},
        {{S::power_off, S::listening_mode}, listening, blue},
        // DFU_MODE is the bootloader's: the system never queues it.
        {{S::network_on, S::dfu_mode}, "NETWORK_ON 0000ff breathe 4000", blue},
    };
    for (const Case& c : cases) {
        Rig rig;
        for (Signal s : c.on) rig.led.signal(s, true);
        rig.to(5);
        EXPECT_EQ(rig.rec.looks, std::vector<std::string>{std::string("0:") + c.shown}) << c.shown;
        EXPECT_EQ(rig.rec.drives, std::vector<std::string>{"0:" + c.out}) << c.shown;
        EXPECT_EQ(rgb(rig.led.output()), c.out);
    }
    Rig rig;
    rig.led.signal(Signal::dfu_mode, true);
    EXPECT_FALSE(rig.led.signalled(Signal::dfu_mode));
}

TEST(StatusLed, DroppingTheFrontRevealsTheNextAtTheNextTick) {
    Rig rig;
    for (Signal s : {Signal::network_on, Signal::network_connecting, Signal::listening_mode})
        rig.led.signal(s, true);
    rig.to(1010);
    rig.led.signal(Signal::listening_mode, false);  // between ticks: shown at 1025
    rig.to(2000);
    rig.led.signal(Signal::network_connecting, false);
    rig.to(2100);
    EXPECT_EQ(rig.rec.looks, (std::vector<std::string>{
                                 "0:LISTENING_MODE 0000ff blink 500",
                                 "1025:NETWORK_CONNECTING 00ff00 blink 200",
                                 "2000:NETWORK_ON 0000ff breathe 4000"}));
    // With nothing left the LED keeps its last output.
    rig.led.signal(Signal::network_on, false);
    const std::size_t drives = rig.rec.drives.size();
    rig.to(3000);
    EXPECT_EQ(rig.rec.drives.size(), drives);
    EXPECT_EQ(rgb(rig.led.output()), "0,0,3594");  // breathe 4000 at phase 75 ms
}

TEST(StatusLed, PhaseRestartsOnlyWhenPatternOrPeriodChanges) {
    struct Case {
        Signal from, to;
        std::uint32_t at;
        const char* first_drive;  // the first drive at or after the switch
    };
    const Case cases[] = {
        // breathe 4000 → breathe 4000: phase kept, (2000 − 1100)/2000 of full.
        {Signal::network_on, Signal::network_connected, 1100, "1100:0,1680,0"},
        // breathe → blink: restarts "on".
        {Signal::network_on, Signal::listening_mode, 1100, "1100:0,0,3735"},
        // blink 200 → blink 200: phase kept, 1100 % 200 is in the off half.
        {Signal::network_connecting, Signal::cloud_connecting, 1100, "1100:0,0,0"},
        // blink 200 → blink 100: restarts "on" (1125 was off).
        {Signal::network_connecting, Signal::network_dhcp, 1150, "1150:0,3735,0"},
    };
    for (const Case& c : cases) {
        Rig rig;
        rig.led.signal(c.from, true);
        rig.to(c.at);
        rig.led.signal(c.from, false);
        rig.led.signal(c.to, true);
        rig.to(c.at + 300);
        const auto after = Recorder::from(rig.rec.drives, c.at);
        ASSERT_FALSE(after.empty());
        EXPECT_EQ(after.front(), c.first_drive);
    }
}

TEST(StatusLed, BreathingIsSampledOnTheTwentyFiveMsTick) {
    Rig rig;
    rig.led.signal(Signal::cloud_connected, true);  // §10: breathing cyan
    rig.to(4001);
    const auto& d = rig.rec.drives;
    ASSERT_EQ(d.size(), 161u);  // every 25 ms sample differs from the one before
    EXPECT_EQ(d[0], "0:0,3735,3735");
    EXPECT_EQ(d[1], "25:0,3688,3688");
    EXPECT_EQ(d[2], "50:0,3641,3641");
    EXPECT_EQ(d[80], "2000:0,0,0");
    EXPECT_EQ(d[160], "4000:0,3735,3735");
}

TEST(StatusLed, ClearingFlickerTogglesEvery50msAndRevealsListening) {
    struct Case {
        const core::led::Sequence* sequence;
        const char* look;
        std::string lit;
    };
    const Case cases[] = {
        {&core::led::kClearingCredentials, "CLEARING_CREDENTIALS 0000ff solid 0", "0,0,3735"},
        {&core::led::kClearingFailed, "CLEARING_FAILED ff0000 solid 0", "3735,0,0"},
    };
    for (const Case& c : cases) {
        Rig rig;
        rig.led.signal(Signal::listening_mode, true);
        rig.to(1250);  // the blink's "on" half (1225 lit)
        rig.led.play(*c.sequence, rig.now);  // CRITICAL too: the later one wins
        rig.to(2475);
        EXPECT_TRUE(rig.led.playing());
        rig.to(2850);
        EXPECT_FALSE(rig.led.playing());
        std::vector<std::string> expected;
        for (int step = 0; step < 25; ++step)  // starts dark, ends dark
            expected.push_back(std::to_string(1250 + 50 * step) + ":" +
                               (step % 2 ? c.lit : "0,0,0"));
        expected.push_back("2500:0,0,3735");  // listening again, its blink restarted "on"
        expected.push_back("2750:0,0,0");
        EXPECT_EQ(Recorder::from(rig.rec.drives, 1250), expected) << c.look;
        EXPECT_EQ(rig.rec.looks, (std::vector<std::string>{
                                     "0:LISTENING_MODE 0000ff blink 500",
                                     std::string("1250:") + c.look,
                                     "2500:LISTENING_MODE 0000ff blink 500"}));
    }
}

TEST(StatusLed, RssiBarsAreGreenFlashesBetweenDimGreen) {
    struct Case {
        std::uint8_t bars;
        std::vector<std::string> drives;  // from the start at 1000
    };
    const std::string dim = ":0,146,0", green = ":0,3735,0";
    const Case cases[] = {
        // 750 ms dim green, then what it covered (the connecting blink, restarted "on").
        {0, {"1000" + dim, "1750" + green, "1850:0,0,0"}},
        {3, {"1000" + dim, "1750" + green, "1800" + dim, "2150" + green, "2200" + dim,
             "2550" + green, "2600" + dim, "3350" + green, "3450:0,0,0"}},
        {9, {"1000" + dim, "1750" + green, "1800" + dim, "2150" + green, "2200" + dim,
             "2550" + green, "2600" + dim, "2950" + green, "3000" + dim, "3350" + green,
             "3400" + dim, "4150" + green, "4250:0,0,0"}},  // at most 5 bars
    };
    for (const Case& c : cases) {
        Rig rig;
        rig.led.signal(Signal::network_connecting, true);
        rig.to(1000);  // 975: the blink's off half
        rig.led.play_rssi(c.bars, rig.now);
        const std::uint32_t end = static_cast<std::uint32_t>(std::stoul(c.drives.back())) + 25;
        rig.to(end);
        EXPECT_EQ(Recorder::from(rig.rec.drives, 1000), c.drives) << int(c.bars);
        const auto looks = Recorder::from(rig.rec.looks, 1000);
        ASSERT_EQ(looks.size(), 2u);
        EXPECT_EQ(looks[0], "1000:RSSI 000a00 solid 0");
        EXPECT_EQ(looks[1], c.drives[c.drives.size() - 2].substr(0, 4) +
                                ":NETWORK_CONNECTING 00ff00 blink 200");
    }
}

TEST(StatusLed, TakeOverTurnOffAndRelease) {
    Rig rig;
    rig.led.signal(Signal::network_on, true);
    rig.to(100);
    rig.led.take_over("POWER_ON", {0xFFFFFF, Pattern::solid, 0}, rig.now);
    EXPECT_TRUE(rig.led.taken_over());
    rig.to(200);
    rig.led.signal(Signal::listening_mode, true);  // queued, not shown while taken over
    rig.to(500);
    rig.led.turn_off(rig.now);
    rig.to(800);
    EXPECT_TRUE(rig.led.taken_over());
    rig.led.release(rig.now);
    EXPECT_FALSE(rig.led.taken_over());
    rig.to(900);
    rig.led.release(rig.now);  // not taken over: nothing happens
    rig.to(1000);
    EXPECT_EQ(Recorder::from(rig.rec.drives, 25),
              (std::vector<std::string>{"25:0,0,3688", "50:0,0,3641", "75:0,0,3594",
                                        "100:3735,3735,3735", "500:0,0,0", "800:0,0,3735"}));
    EXPECT_EQ(rig.rec.looks, (std::vector<std::string>{
                                 "0:NETWORK_ON 0000ff breathe 4000", "100:POWER_ON ffffff solid 0",
                                 "500:OFF 000000 solid 0", "800:LISTENING_MODE 0000ff blink 500"}));
}

TEST(StatusLed, DirectBlinkKeepsItsPhaseWhenOnlyTheNameChanges) {
    Rig rig;
    const Look yellow{0xFFFF00, Pattern::blink, 200};
    rig.led.take_over("BOOT_DFU", yellow, rig.now);
    rig.to(250);
    rig.led.take_over("DFU_MODE", yellow, rig.now);
    rig.to(420);
    EXPECT_EQ(rig.rec.drives, (std::vector<std::string>{"0:3735,3735,0", "100:0,0,0",
                                                        "200:3735,3735,0", "300:0,0,0",
                                                        "400:3735,3735,0"}));
    EXPECT_EQ(rig.rec.looks.back(), "250:DFU_MODE ffff00 blink 200");
}

TEST(StatusLed, TheLedIsDrivenOnlyWhenItsOutputChanges) {
    struct Case {
        Signal signal;
        std::uint32_t ms;
        std::size_t drives;
    };
    const Case cases[] = {
        {Signal::power_off, 10000, 1},        // solid
        {Signal::listening_mode, 2000, 8},    // one per blink edge
        {Signal::network_connecting, 1000, 10},
        {Signal::network_on, 4000, 160},      // breathing: every tick
    };
    for (const Case& c : cases) {
        Rig rig;
        rig.led.signal(c.signal, true);
        rig.to(c.ms);
        EXPECT_EQ(rig.updates, static_cast<int>(c.ms / 5));
        EXPECT_EQ(rig.rec.drives.size(), c.drives) << int(c.signal);
        EXPECT_EQ(rig.rec.looks.size(), 1u);
        // A new observer: told once more what is shown and driven.
        rig.led.announce();
        EXPECT_EQ(rig.rec.drives.size(), c.drives + 1);
        EXPECT_EQ(rig.rec.looks.size(), 2u);
        EXPECT_EQ(rig.rec.looks[1].substr(rig.rec.looks[1].find(':')),
                  rig.rec.looks[0].substr(rig.rec.looks[0].find(':')));
    }
}

TEST(StatusLed, WatcherHearsEachChangeOfWhatIsShownOnce) {
    Rig rig;
    rig.led.signal(Signal::network_off, true);
    rig.to(100);
    rig.led.signal(Signal::network_off, false);
    rig.led.signal(Signal::network_on, true);
    rig.to(200);
    rig.led.signal(Signal::listening_mode, true);
    rig.led.signal(Signal::listening_mode, true);  // already on: no change
    rig.to(300);
    rig.led.play(core::led::kClearingCredentials, rig.now);
    rig.to(2000);
    rig.led.signal(Signal::listening_mode, false);
    rig.to(2500);
    rig.led.play_rssi(1, rig.now);
    rig.to(4500);
    EXPECT_EQ(rig.rec.looks, (std::vector<std::string>{
                                 "0:NETWORK_OFF ffffff breathe 4000",
                                 "100:NETWORK_ON 0000ff breathe 4000",
                                 "200:LISTENING_MODE 0000ff blink 500",
                                 "300:CLEARING_CREDENTIALS 0000ff solid 0",
                                 "1550:LISTENING_MODE 0000ff blink 500",
                                 "2000:NETWORK_ON 0000ff breathe 4000",
                                 "2500:RSSI 000a00 solid 0",
                                 "4050:NETWORK_ON 0000ff breathe 4000"}));
}

TEST(StatusLed, ClearForgetsEverythingButKeepsTheOutput) {
    Rig rig;
    rig.led.signal(Signal::listening_mode, true);
    rig.led.play(core::led::kClearingCredentials, rig.now);
    rig.to(60);  // the flicker's lit step
    rig.led.clear();
    EXPECT_FALSE(rig.led.signalled(Signal::listening_mode));
    EXPECT_FALSE(rig.led.playing());
    rig.to(1000);
    EXPECT_EQ(rig.rec.drives, (std::vector<std::string>{"0:0,0,0", "50:0,0,3735"}));
    rig.led.signal(Signal::network_off, true);
    rig.to(1030);
    EXPECT_EQ(rig.rec.looks.back(), "1000:NETWORK_OFF ffffff breathe 4000");
    EXPECT_EQ(rig.rec.drives.back(), "1025:3688,3688,3688");  // phase from 1000
}
