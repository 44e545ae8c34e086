// The SETUP button's runtime state machine on virtual time (spec led-and-button.md §8.2, §10).
// A script drives the pin tick by tick (10 ms) against a recording fake of the system; the
// log lists what the machine did, at ms since the script started.
//
// Script words: "pD" a press of D ms: the button goes down just after a tick and up just
// before the tick D ms later, so D/10 - 1 ticks see it pressed, the debounce reads D at the
// last of them and the release tick reports d = D - 10 (measured from the PRESS tick).
// "dD" D/10 ticks pressed, "iD" D/10 ticks released, "L"/"l" the system enters/leaves
// listening mode, "U"/"u" a firmware update starts/ends (between ticks, not logged).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/setup_button.hpp"

using core::button::ButtonActions;
using core::button::SetupButton;

namespace {

class RecordingActions : public ButtonActions {
public:
    explicit RecordingActions(const std::uint32_t& now) : now_(now) {}
    bool listening() override { return listening_; }
    bool updating() override { return updating_; }
    void enter_listening() override {
        listening_ = true;
        note("enter");
    }
    void exit_listening() override {
        listening_ = false;
        note("exit");
    }
    void clear_credentials() override { note("clear"); }
    void status(std::uint32_t held_ms) override { note("status", held_ms); }
    void click(std::uint8_t clicks) override { note("click", clicks); }
    void final_click(std::uint8_t clicks) override { note("final", clicks); }

    bool listening_ = false;
    bool updating_ = false;
    std::uint32_t origin_ = 0;
    std::string log_;

private:
    void note(const char* what, long value = -1) {
        if (!log_.empty()) log_ += ' ';
        log_ += std::to_string(now_ - origin_) + ':' + what;
        if (value >= 0) log_ += '(' + std::to_string(value) + ')';
    }
    const std::uint32_t& now_;
};

class Bench {
public:
    explicit Bench(std::uint32_t start_ms = 1000000) : now_(start_ms) {
        actions_.origin_ = start_ms;
    }
    // Runs a script (see the file comment); returns the log.
    const std::string& run(const char* script) {
        for (const char* p = script; *p != '\0';) {
            const char word = *p++;
            char* end = nullptr;
            const unsigned long ms = std::strtoul(p, &end, 10);
            p = end;
            switch (word) {
            case 'p': ticks(true, ms - 10), ticks(false, 10); break;
            case 'd': ticks(true, ms); break;
            case 'i': ticks(false, ms); break;
            case 'L': actions_.listening_ = true; break;
            case 'l': actions_.listening_ = false; break;
            case 'U': actions_.updating_ = true; break;
            case 'u': actions_.updating_ = false; break;
            default: break;  // spaces
            }
        }
        return actions_.log_;
    }
    RecordingActions& actions() { return actions_; }
    SetupButton& button() { return button_; }

private:
    void ticks(bool pin, unsigned long ms) {
        for (unsigned long t = 0; t < ms; t += core::button::kTickMs) {
            now_ += core::button::kTickMs;
            button_.tick(pin, now_);
        }
    }
    std::uint32_t now_;
    RecordingActions actions_{now_};
    SetupButton button_{actions_};
};

struct Row {
    const char* script;
    const char* log;
    bool listening_after;
};

void check(const Row* rows, std::size_t count, std::uint32_t start_ms = 1000000) {
    for (std::size_t i = 0; i < count; ++i) {
        Bench bench(start_ms);
        EXPECT_EQ(bench.run(rows[i].script), rows[i].log) << rows[i].script;
        EXPECT_EQ(bench.actions().listening_, rows[i].listening_after) << rows[i].script;
        EXPECT_EQ(bench.button().pending_clicks(), 0) << rows[i].script;
    }
}

}  // namespace

TEST(SetupButton, HoldTimesTable) {
    EXPECT_EQ(core::button::kHolds.enter_listening, 3000u);
    EXPECT_EQ(core::button::kHolds.exit_min, 3000u);
    EXPECT_EQ(core::button::kHolds.exit_max, 8000u);
    EXPECT_EQ(core::button::kHolds.clear_credentials, 10000u);
    EXPECT_EQ(core::button::kHolds.bounce, 30u);
    EXPECT_EQ(core::button::kHolds.long_press, 500u);
    EXPECT_EQ(core::button::kHolds.click_window, 1000u);
    EXPECT_EQ(core::button::kHolds.max_clicks, 5);
}

// §8.2 "gesture from normal operation", holds, and §10's runtime vectors. Listening mode is
// entered when the debounce first reads 3000 (2990 ms after the edge); the synthetic re-press
// there makes the release exit listening mode when 3000 < D - 2990 < 8000.
TEST(SetupButton, HoldsFromNormalOperation) {
    const Row rows[] = {
        {"p2990 i1500", "10:status(0) 2990:status(2980)", false},  // just short of 3 s
        {"p3000", "10:status(0) 2990:status(2980) 2990:enter", true},
        {"p3010", "10:status(0) 2990:status(2980) 2990:enter", true},
        {"p5000", "10:status(0) 2990:status(2980) 2990:enter", true},
        {"p5990", "10:status(0) 2990:status(2980) 2990:enter", true},  // d 3000: not > 3000
        {"p6000", "10:status(0) 2990:status(2980) 2990:enter 6000:exit", false},  // the quirk
        {"p7000", "10:status(0) 2990:status(2980) 2990:enter 7000:exit", false},
        {"p9990", "10:status(0) 2990:status(2980) 2990:enter 9990:exit", false},
        {"p10000", "10:status(0) 2990:status(2980) 2990:enter 9990:clear 10000:exit", false},
        {"p10500", "10:status(0) 2990:status(2980) 2990:enter 9990:clear 10500:exit", false},
        {"p10980", "10:status(0) 2990:status(2980) 2990:enter 9990:clear 10980:exit", false},
        {"p10990", "10:status(0) 2990:status(2980) 2990:enter 9990:clear", true},  // d 8000
        {"p12000", "10:status(0) 2990:status(2980) 2990:enter 9990:clear", true},
        {"p30000", "10:status(0) 2990:status(2980) 2990:enter 9990:clear", true},  // once
    };
    check(rows, sizeof rows / sizeof rows[0]);
}

// §8.2 "gesture while already in listening mode": exit on release when 3000 < D - 10 < 8000.
TEST(SetupButton, HoldsWhileListening) {
    const Row rows[] = {
        {"L p100 i1500 p100 i1500", "", true},  // taps are neither reported nor counted
        {"L p3010", "", true},                  // d 3000
        {"L p3020", "3020:exit", false},
        {"L p5000", "5000:exit", false},
        {"L p8000", "8000:exit", false},        // d 7990
        {"L p8010", "", true},                  // d 8000
        {"L p9000", "", true},
        {"L p9990", "", true},                  // the debounce reads 9990: no clearing
        {"L p10000", "9990:clear", true},
        {"L p15000 i100 p12000", "9990:clear 25090:clear", true},  // once per press
    };
    check(rows, sizeof rows / sizeof rows[0]);
}

// Click(d) and FinalizeClicks: the series, its 1 s window (strictly after), bounces, 5 taps.
TEST(SetupButton, ClicksAndSeries) {
    const Row rows[] = {
        {"p10 i2000", "", false},  // shorter than a tick: never sampled
        {"p30 i2000", "10:status(0) 30:status(20)", false},  // d < 30: bounce
        {"p40 i2000", "10:status(0) 40:status(30) 40:click(1) 1050:final(1)", false},
        {"p100 i2000", "10:status(0) 100:status(90) 100:click(1) 1110:final(1)", false},
        {"p500 i2000", "10:status(0) 500:status(490) 500:click(1) 1510:final(1)", false},
        {"p510 i2000", "10:status(0) 510:status(500)", false},  // long press: not counted
        {"p100 i400 p100 i400 p100 i2000",
         "10:status(0) 100:status(90) 100:click(1) 510:status(0) 600:status(90) 600:click(2) "
         "1010:status(0) 1100:status(90) 1100:click(3) 2110:final(3)",
         false},
        {"p100 i100 p100 i100 p100 i100 p100 i100 p100 i2000",
         "10:status(0) 100:status(90) 100:click(1) 210:status(0) 300:status(90) 300:click(2) "
         "410:status(0) 500:status(90) 500:click(3) 610:status(0) 700:status(90) 700:click(4) "
         "810:status(0) 900:status(90) 900:click(5) 900:final(5)",
         false},
        // a 6th tap starts a new series
        {"p100 i100 p100 i100 p100 i100 p100 i100 p100 i100 p100 i2000",
         "10:status(0) 100:status(90) 100:click(1) 210:status(0) 300:status(90) 300:click(2) "
         "410:status(0) 500:status(90) 500:click(3) 610:status(0) 700:status(90) 700:click(4) "
         "810:status(0) 900:status(90) 900:click(5) 900:final(5) 1010:status(0) "
         "1100:status(90) 1100:click(1) 2110:final(1)",
         false},
        // the window closes 1010 ms after the release even if the next press has begun
        {"p100 i900 p300 i2000",
         "10:status(0) 100:status(90) 100:click(1) 1010:status(0) 1110:final(1) "
         "1300:status(290) 1300:click(1) 2310:final(1)",
         false},
        // a bounce leaves the series and its deadline as they are
        {"p100 i800 p20 i2000",
         "10:status(0) 100:status(90) 100:click(1) 910:status(0) 920:status(10) 1110:final(1)",
         false},
        // hold 0.5–3 s: finalises the pending taps at its release, nothing else
        {"p100 i100 p100 i100 p700 i2000",
         "10:status(0) 100:status(90) 100:click(1) 210:status(0) 300:status(90) 300:click(2) "
         "410:status(0) 1100:status(690) 1100:final(2)",
         false},
        // ... or the window closes first, during the hold
        {"p100 i400 p100 i400 p1500 i2000",
         "10:status(0) 100:status(90) 100:click(1) 510:status(0) 600:status(90) 600:click(2) "
         "1010:status(0) 1610:final(2) 2500:status(1490)",
         false},
        {"p100 i400 p5000",
         "10:status(0) 100:status(90) 100:click(1) 510:status(0) 1110:final(1) "
         "3490:status(2980) 3490:enter",
         true},
        // taps still pending at the 3 s mark (the window was held up by an update): the
        // synthetic release reports the press and finalises them before listening starts,
        // and the synthetic re-press reports nothing
        {"U p100 i100 d3000 u d1000 i10",
         "10:status(0) 100:status(90) 100:click(1) 210:status(0) 3210:status(3000) "
         "3210:final(1) 3210:enter",
         true},
    };
    check(rows, sizeof rows / sizeof rows[0]);
}

// The system changes listening mode during a press; a firmware update ignores holds.
TEST(SetupButton, ListeningChangedElsewhereAndUpdates) {
    const Row rows[] = {
        // entered by the system mid-press: release neither reports nor exits
        {"d990 L d3990 i10", "10:status(0)", true},
        {"d990 L d9990 i10", "10:status(0) 9990:clear", true},
        // left by the system mid-press: no re-entry (the press began listening), the
        // release is reported and is a long press
        {"L d990 l d3990 i10", "4990:status(4980)", false},
        {"U p5000", "10:status(0) 5000:status(4990)", false},
        {"U p12000", "10:status(0) 12000:status(11990)", false},
        {"U L p12000", "", true},           // no clearing
        {"U L p5000", "5000:exit", false},  // the release rule is no hold: it still runs
    };
    check(rows, sizeof rows / sizeof rows[0]);
}

TEST(SetupButton, ClickDeadlineWaitsForAnUpdateToEnd) {
    // §8.2's chain: during an update only the watchdog runs, the deadline check included.
    Bench bench;
    EXPECT_EQ(bench.run("U p100 i3000"), "10:status(0) 100:status(90) 100:click(1)");
    EXPECT_EQ(bench.button().pending_clicks(), 1);
    EXPECT_EQ(bench.run("u i10"), "10:status(0) 100:status(90) 100:click(1) 3110:final(1)");
    EXPECT_EQ(bench.button().pending_clicks(), 0);
}

// pressed_ms keeps 16 bits (d wraps modulo 65536) but a flag, not pressed_ms != 0, says a
// press is pending; the click window uses the full 32-bit clock.
TEST(SetupButton, SixteenBitPressTime) {
    const Row edges[] = {
        {"p100 i2000", "10:status(0) 100:status(90) 100:click(1) 1110:final(1)", false},
    };
    check(edges, 1, 65536 - 50);        // the press spans 65536: d still 90
    check(edges, 1, 65536 - 10);        // PRESS at 65536, pressed_ms 0: the release counts
    check(edges, 1, 3 * 65536 - 10);    // likewise at any multiple
    check(edges, 1, 0xFFFFFFFF - 500);  // the 32-bit clock wraps inside the click window
    const Row long_holds[] = {
        {"U p70000", "10:status(0) 70000:status(4454)", false},  // 69990 mod 65536
        {"L p70000", "9990:clear 70000:exit", false},            // d 4454: 3000 < d < 8000
        {"p70000", "10:status(0) 2990:status(2980) 2990:enter 9990:clear", true},  // d 1474
    };
    check(long_holds, sizeof long_holds / sizeof long_holds[0]);
}

TEST(SetupButton, ResetForgetsPressAndSeries) {
    Bench bench;
    bench.run("p100 i100 d500");
    EXPECT_EQ(bench.button().pending_clicks(), 1);
    EXPECT_TRUE(bench.button().debounce().active());
    bench.button().reset();
    EXPECT_EQ(bench.button().pending_clicks(), 0);
    EXPECT_FALSE(bench.button().debounce().active());
    // the pin is still down: the next tick is a new PRESS; no final_click for the old series
    EXPECT_EQ(bench.run("d100 i10 i2000"),
              "10:status(0) 100:status(90) 100:click(1) 210:status(0) 710:status(0) "
              "810:status(100) 810:click(1) 1820:final(1)");
}
