// core::Device with a bench SETUP button and a recording LED, watcher and UI report (spec
// led-and-button.md §4, §5, §8, §9; protocol/fixture.md): the clock moves in 5 ms steps with
// a device.step() after each, as the native loop runs it. Records are "ms:text", ms counted
// from the test's mark (where the gesture starts, just after a 10 ms button tick).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/bench_button.hpp"
#include "fake_board.hpp"

using Stage = core::Device::Stage;
using Texts = std::vector<std::string>;

namespace {

std::string rgb(unsigned r, unsigned g, unsigned b) {
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b);
}

class Ui final : public hal::RgbLed, public core::led::LedWatcher, public core::bench::UiReport {
public:
    explicit Ui(const fake::Clock& clock) : clock_(clock) {}
    void drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) override {
        drives.push_back(stamp() + rgb(r, g, b));
    }
    void showing(const char* name, const core::led::Look& look) override {
        static const char* const kPatterns[] = {"?", "solid", "blink", "breathe"};
        char text[80];
        std::snprintf(text, sizeof text, "%s %06x %s %u", name, static_cast<unsigned>(look.rgb),
                      kPatterns[static_cast<int>(look.pattern)], unsigned{look.period_ms});
        looks.push_back(stamp() + text);
    }
    void button(const char* event, std::uint32_t value) override {
        buttons.push_back(stamp() + event + " " + std::to_string(value));
    }
    void mode(const char* name) override { modes.push_back(stamp() + name); }
    void mark() {
        origin_ = clock_.now;
        drives.clear(), looks.clear(), buttons.clear(), modes.clear();
    }
    Texts drives, looks, buttons, modes;

private:
    std::string stamp() const { return std::to_string(clock_.now - origin_) + ":"; }
    const fake::Clock& clock_;
    std::uint32_t origin_ = 0;
};

// The time of the first record whose text starts with `prefix`; -1 if none.
long when(const Texts& v, const std::string& prefix) {
    for (const auto& e : v)
        if (e.compare(e.find(':') + 1, prefix.size(), prefix) == 0) return std::stol(e);
    return -1;
}
bool logged(const fake::Log& log, const std::string& entry) {
    return std::find(log.events.begin(), log.events.end(), entry) != log.events.end();
}

struct Rig {
    fake::Board b;
    core::BenchButton button{b.clock};
    Ui ui{b.clock};
    core::Device d;
    std::map<std::uint32_t, std::string> output;  // the LED's output after each step, by clock

    explicit Rig(const char* platform, bool sim = false) : b(platform), d(wire(sim)) {}
    core::Board wire(bool sim) {
        if (sim) std::snprintf(b.identity.iccid, sizeof b.identity.iccid, "89340765000025876571");
        core::Board board = b.hal();
        board.button = &button, board.led = &ui, board.led_watcher = &ui, board.ui_report = &ui;
        return board;
    }
    void run(std::uint32_t ms) {
        for (std::uint32_t t = 0; t < ms; t += 5) {
            b.clock.now += 5, d.step();
            const core::led::Pwm p = d.status_led().output();
            output[b.clock.now] = rgb(p.r, p.g, p.b);
        }
    }
    // Photon/P1: the `w` dialogue stores "HomeNet" (as test_device.cpp does); the fake radio
    // joins it at once. Leaves the device in normal operation, joined.
    void store_credentials() {
        b.radio.add("HomeNet", core::wiced::kWpa2 | core::wiced::kAes);
        d.boot(hal::BootMode::normal);
        for (const char* line : {"w", "HomeNet\n", "longpassword\n"})
            b.console.send(line), d.step();
        run(100);
        b.console.take();
    }
    void boot_holding(std::uint32_t hold_ms) {  // the bench's RESET HOLD
        ASSERT_TRUE(button.script(1, hold_ms, 0));
        d.boot(hal::BootMode::normal);
    }
};

}  // namespace

TEST(DeviceUi, BootWithoutAndWithCredentials) {
    Rig r("photon");
    r.ui.mark();
    r.d.boot(hal::BootMode::normal), r.run(1200);
    EXPECT_TRUE(r.d.listening());
    EXPECT_EQ(r.ui.looks,
              (Texts{"0:POWER_ON ffffff solid 0", "5:LISTENING_MODE 0000ff blink 500"}));
    EXPECT_EQ(r.ui.drives, (Texts{"0:3735,3735,3735", "5:0,0,3735", "255:0,0,0", "505:0,0,3735",
                                  "755:0,0,0", "1005:0,0,3735"}));
    // Reported as the system starts, then listening at the first pass of the loop.
    EXPECT_EQ(r.ui.modes, (Texts{"0:normal", "5:listening"}));

    r.store_credentials();
    r.ui.mark();
    r.d.boot(hal::BootMode::normal), r.run(2000);  // a reset with the profile: joins at once
    EXPECT_EQ(r.d.join_outcome().state, core::JoinState::connected);
    EXPECT_EQ(r.ui.looks, (Texts{"0:POWER_ON ffffff solid 0",
                                 "5:NETWORK_CONNECTED 00ff00 breathe 4000"}));
    ASSERT_GE(r.ui.drives.size(), 3u);
    EXPECT_EQ(Texts(r.ui.drives.begin(), r.ui.drives.begin() + 3),
              (Texts{"0:3735,3735,3735", "5:0,3735,0", "30:0,3688,0"}));
    EXPECT_EQ(r.ui.modes, Texts{"0:normal"});  // reported afresh after the reset
}

// Holds from normal operation (joined) and from listening mode (entered by the host). PRESS
// at the first tick (10), the 3 s mark at 2990 (debounce reads 3000), the release at the
// first tick that reads the pin up; in listening mode nothing is reported but "cleared".
TEST(DeviceUi, RuntimeHolds) {
    struct Case {
        bool from_listening;
        std::uint32_t hold_ms;
        bool listening, cleared;
        Texts modes, buttons;
    };
    const Texts entered{"10:status 0", "2990:status 2980"};
    const Texts cleared{"10:status 0", "2990:status 2980", "9990:cleared 1"};
    const Case cases[] = {
        {false, 2500, false, false, {}, {"10:status 0", "2500:status 2490"}},
        {false, 3500, true, false, {"2990:listening"}, entered},
        // Device OS's quirk: re-pressed at the 3 s mark, released 4 s later: exits again.
        {false, 7000, false, false, {"2990:listening", "7000:normal"}, entered},
        // Cleared at 10 s, exited on release and, without credentials, straight back in.
        {false, 10500, true, true, {"2990:listening"}, cleared},
        {false, 12000, true, true, {"2990:listening"}, cleared},
        {true, 2000, true, false, {}, {}},
        {true, 5000, false, false, {"5000:normal"}, {}},  // released 3–8 s after: exits, joins
        {true, 9000, true, false, {}, {}},
    };
    for (const Case& c : cases) {
        Rig r("photon");
        r.store_credentials();
        if (c.from_listening) r.d.start_listening(core::ListenReason::host_request);
        r.run(100);
        r.ui.mark();
        r.b.log.events.clear();
        ASSERT_TRUE(r.button.script(1, c.hold_ms, 0));
        r.run(c.hold_ms + 1500);
        const bool entered_by_hold = !c.from_listening && c.hold_ms >= 3000;
        EXPECT_EQ(r.d.listening(), c.listening) << c.hold_ms;
        EXPECT_EQ(r.ui.modes, c.modes) << c.hold_ms;
        EXPECT_EQ(r.ui.buttons, c.buttons) << c.hold_ms;
        EXPECT_EQ(r.d.config().has_wifi_credentials(), !c.cleared) << c.hold_ms;
        EXPECT_EQ(logged(r.b.log, "listening: entered: setup button"), entered_by_hold);
        EXPECT_EQ(logged(r.b.log, "listening: entered: no credentials"), c.hold_ms == 10500);
        if (!entered_by_hold) continue;
        const long shown = when(r.ui.looks, "LISTENING_MODE 0000ff blink 500");
        EXPECT_TRUE(shown >= 2990 && shown < 2990 + 25) << shown;  // the LED's next tick
    }
}

TEST(DeviceUi, TenSecondHoldInListeningModeClearsTheCredentials) {
    struct Case {
        bool flash_ok;
        const char *report, *look, *log, *lit;
    };
    const Case cases[] = {
        {true, "9990:cleared 1", "9990:CLEARING_CREDENTIALS 0000ff solid 0",
         "listening: credentials cleared (setup button)", "0,0,3735"},
        {false, "9990:cleared 0", "9990:CLEARING_FAILED ff0000 solid 0",
         "listening: could not clear the credentials", "3735,0,0"},
    };
    for (const Case& c : cases) {
        Rig r("photon");
        r.store_credentials();
        ASSERT_TRUE(r.button.script(1, 3500, 0));  // into listening mode
        r.run(4000);
        r.ui.mark();
        if (!c.flash_ok) r.b.flash.budget = 0;  // the flash has lost its power
        const std::uint32_t t0 = r.b.clock.now;
        ASSERT_TRUE(r.button.script(1, 12000, 0));  // released after >= 8 s: stays listening
        r.run(14000);
        EXPECT_TRUE(r.d.listening());
        EXPECT_TRUE(logged(r.b.log, c.log));
        if (c.flash_ok) { EXPECT_FALSE(r.d.config().has_wifi_credentials()); }
        // HeldFor(10000) at 9990; no status while listening.
        EXPECT_EQ(r.ui.buttons, Texts{c.report});
        EXPECT_EQ(r.ui.looks, (Texts{c.look, "11240:LISTENING_MODE 0000ff blink 500"}));
        // 25 steps of 50 ms starting dark, sampled at the 25 ms tick; then listening, "on".
        for (std::uint32_t k = 0; k < 50; ++k)
            EXPECT_EQ(r.output[t0 + 9990 + 25 * k], (k / 2) % 2 ? c.lit : "0,0,0") << k;
        EXPECT_EQ(r.output[t0 + 9990 + 1250], "0,0,3735");
        EXPECT_TRUE(r.ui.modes.empty());
    }
}

TEST(DeviceUi, ButtonHeldThroughTheResetPicksTheBootMode) {
    struct Case {
        std::uint32_t hold_ms;
        Stage stage;
        bool safe, credentials;
        Texts looks, modes;
    };
    const std::string off = "0:OFF 000000 solid 0", safe = "990:BOOT_SAFE_MODE ff00ff blink 200",
                      dfu = "2990:BOOT_DFU ffff00 blink 200";
    const Case cases[] = {
        {500, Stage::running, false, true, {off, "500:POWER_ON ffffff solid 0",
         "500:NETWORK_CONNECTED 00ff00 breathe 4000"}, {"0:bootloader", "500:normal"}},
        {1500, Stage::running, true, true, {off, safe, "1500:POWER_ON ffffff solid 0",
         "1500:SAFE_MODE ff00ff breathe 4000"}, {"0:bootloader", "1500:safe"}},
        {4000, Stage::dfu, false, true, {off, safe, dfu, "4000:DFU_MODE ffff00 blink 200"},
         {"0:bootloader", "4000:dfu"}},
        // No factory image: past 6.5 s nothing new is armed, still DFU.
        {8000, Stage::dfu, false, true, {off, safe, dfu, "8000:DFU_MODE ffff00 blink 200"},
         {"0:bootloader", "8000:dfu"}},
        // Credentials reset: a normal boot without them, so listening mode.
        {11000, Stage::running, false, false, {off, safe, dfu,
         "10000:BOOT_RESET_SETTINGS ffffff blink 100", "11000:POWER_ON ffffff solid 0",
         "11000:LISTENING_MODE 0000ff blink 500"},
         {"0:bootloader", "11000:normal", "11000:listening"}},
    };
    for (const Case& c : cases) {
        Rig r("photon");
        r.store_credentials();
        r.ui.mark();
        r.boot_holding(c.hold_ms);
        EXPECT_EQ(r.d.stage(), Stage::bootloader);
        r.run(c.hold_ms + 2000);
        EXPECT_EQ(r.d.stage(), c.stage) << c.hold_ms;
        EXPECT_EQ(r.d.safe_mode(), c.safe) << c.hold_ms;
        EXPECT_EQ(r.d.config().has_wifi_credentials(), c.credentials) << c.hold_ms;
        EXPECT_EQ(r.ui.looks, c.looks) << c.hold_ms;
        EXPECT_EQ(r.ui.modes, c.modes) << c.hold_ms;
        EXPECT_EQ(logged(r.b.log, "config: Wi-Fi credentials cleared (setup button at boot)"),
                  !c.credentials);
        EXPECT_TRUE(r.ui.buttons.empty());  // the runtime button saw no press
    }
}

// The bootloader gives up at 12 s with the button still down; the system gets no falling
// edge for that press (spec §8.1), so it is not a press until released and pressed again.
TEST(DeviceUi, AButtonStillHeldWhenTheBootloaderGivesUpIsNoPress) {
    Rig r("electron", true);  // no credentials reset on the Electron: a normal boot
    r.d.boot(hal::BootMode::normal), r.run(100);
    r.ui.mark();
    r.boot_holding(17000);
    r.run(18000);
    EXPECT_EQ(r.ui.modes, (Texts{"0:bootloader", "11990:normal"}));
    EXPECT_TRUE(r.ui.buttons.empty());
    EXPECT_EQ(when(r.ui.looks, "BOOT_RESET_SETTINGS"), 10000);
    r.ui.mark();
    ASSERT_TRUE(r.button.script(1, 100, 0));  // the next press counts
    r.run(1500);
    EXPECT_EQ(r.ui.buttons, (Texts{"10:status 0", "100:status 90", "100:click 1", "1110:final 1"}));
}

TEST(DeviceUi, ClickGestures) {
    struct Case {
        const char* platform;
        std::uint32_t clicks;
        Texts buttons, looks, modes, outputs;  // outputs: "ms:r,g,b" sampled
    };
    // Presses of 100 ms, 200 ms apart: the first PRESS at the next tick (10), the second on
    // the tick it starts (300).
    const Texts one{"10:status 0", "100:status 90", "100:click 1", "1110:final 1"};
    const Texts two{"10:status 0",   "100:status 90", "100:click 1", "300:status 0",
                    "400:status 100", "400:click 2",  "1410:final 2"};
    const Case cases[] = {
        // Electron: RSSI, zero bars: 750 ms dim green, then the connecting blink again "on".
        {"electron", 1, one,
         {"1110:RSSI 000a00 solid 0", "1860:NETWORK_CONNECTING 00ff00 blink 200"}, {},
         {"1105:0,0,0", "1110:0,146,0", "1855:0,146,0", "1860:0,3735,0"}},
        // Electron: grey (a signal: from the LED service's next 25 ms tick), dark 1 s after
        // the final click.
        {"electron", 2, two, {"1430:POWER_OFF 111111 solid 0", "2410:OFF 000000 solid 0"},
         {"2410:off"}, {"1430:249,249,249", "2405:249,249,249", "2410:0,0,0", "2900:0,0,0"}},
        {"photon", 1, one, {}, {}, {}},  // no setup-button UX on the Photon
        {"photon", 2, two, {}, {}, {}},
    };
    for (const Case& c : cases) {
        const bool electron = std::string(c.platform) == "electron";
        Rig r(c.platform, electron);
        if (electron) r.d.boot(hal::BootMode::normal), r.run(1000);  // a SIM: connecting
        else r.store_credentials();
        EXPECT_EQ(r.b.platform->id, electron ? 10 : 6);
        ASSERT_FALSE(r.d.listening());
        r.ui.mark();
        const std::uint32_t t0 = r.b.clock.now;
        ASSERT_TRUE(r.button.script(c.clicks, 100, 200));
        r.run(3000);
        EXPECT_EQ(r.ui.buttons, c.buttons) << c.platform << c.clicks;
        EXPECT_EQ(r.ui.looks, c.looks) << c.platform << c.clicks;
        EXPECT_EQ(r.ui.modes, c.modes) << c.platform << c.clicks;
        for (const std::string& o : c.outputs)
            EXPECT_EQ(r.output[t0 + std::stoul(o)], o.substr(o.find(':') + 1)) << o;
        EXPECT_EQ(r.d.stage(), c.modes.empty() ? Stage::running : Stage::off);
        EXPECT_EQ(logged(r.b.log, "system: soft power-off"), !c.modes.empty());
    }
}

// DFU (no transport: reset to leave) and soft power-off ignore the console, the button and
// listening requests until a reset.
TEST(DeviceUi, DfuAndOffWaitForAReset) {
    struct Case {
        bool electron;
        Stage stage;
        bool blinking;
        const char* answer_after_reset;
    };
    const Case cases[] = {
        {false, Stage::dfu, true, "Device claimed: no\r\n"},  // Photon without credentials
        {true, Stage::off, false, ""},  // after the reset: connecting, the console not served
    };
    for (const Case& c : cases) {
        Rig r(c.electron ? "electron" : "photon", c.electron);
        if (c.electron) r.d.boot(hal::BootMode::normal), r.run(1000);
        // Electron: a double click; Photon: a 4 s hold through the reset.
        ASSERT_TRUE(r.button.script(c.electron ? 2 : 1, c.electron ? 100 : 4000, 200));
        if (!c.electron) r.d.boot(hal::BootMode::normal);
        r.run(4500);
        ASSERT_EQ(r.d.stage(), c.stage);
        r.ui.mark();
        r.d.start_listening(core::ListenReason::host_request);
        r.b.console.send("c");
        ASSERT_TRUE(r.button.script(5, 100, 100));
        r.run(5000);
        EXPECT_FALSE(r.d.listening());
        EXPECT_EQ(r.d.stage(), c.stage);
        EXPECT_EQ(r.b.console.take(), "");
        EXPECT_TRUE(r.b.console.rx.empty());  // read and dropped
        EXPECT_TRUE(r.ui.modes.empty() && r.ui.buttons.empty() && r.ui.looks.empty());
        EXPECT_EQ(r.ui.drives.size(), c.blinking ? 50u : 0u);  // yellow 200 ms blink, or dark
        r.d.boot(hal::BootMode::normal), r.run(10);  // RESET
        EXPECT_EQ(r.d.stage(), Stage::running);
        r.b.console.send("c"), r.run(10);
        EXPECT_EQ(r.b.console.take(), c.answer_after_reset);
    }
}
