#include "core/status_led.hpp"

namespace core {
namespace led {
namespace {

// Arbiter id of the running custom indication (system signals use 0..12).
constexpr std::uint8_t kSequenceId = 0x40;
constexpr std::uint32_t kDimGreen = 0x000A00, kGreen = 0x00FF00;

constexpr Step kListeningToggles[] = {{0x000000, 50}, {0x0000FF, 50}};
constexpr Step kRedToggles[] = {{0x000000, 50}, {0xFF0000, 50}};

bool later(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

}  // namespace

const Sequence kClearingCredentials{"CLEARING_CREDENTIALS", kListeningToggles, 2, 25,
                                    Level::critical};
const Sequence kClearingFailed{"CLEARING_FAILED", kRedToggles, 2, 25, Level::critical};

void StatusLed::signal(Signal signal, bool on) {
    if (on == signalled(signal)) return;
    if (on) arbiter_.activate(signal);
    else arbiter_.deactivate(signal);
}

void StatusLed::play(const Sequence& sequence, std::uint32_t now_ms) {
    const std::uint8_t count = sequence.count < kMaxSteps ? sequence.count : kMaxSteps;
    for (std::uint8_t i = 0; i < count; ++i) steps_[i] = sequence.steps[i];
    sequence_ = {sequence.name, steps_, count, sequence.total, sequence.level};
    sequence_start_ = now_ms;
    arbiter_.activate(kSequenceId, priority(sequence.level, Source::system));
    next_tick_ = now_ms;  // show the first step at once
}

void StatusLed::play_rssi(std::uint8_t bars, std::uint32_t now_ms) {
    if (bars > 5) bars = 5;
    Step steps[1 + 2 * 5];
    std::uint8_t n = 0;
    steps[n++] = {kDimGreen, 750};
    for (std::uint8_t i = 0; i < bars; ++i) {
        steps[n++] = {kGreen, 50};
        steps[n++] = {kDimGreen, 350};
    }
    if (bars > 0) steps[n - 1].ms = 750;  // the trailing dim green replaces the last gap
    play({"RSSI", steps, n, n, Level::important}, now_ms);
}

void StatusLed::take_over(const char* name, const Look& look, std::uint32_t now_ms) {
    direct_ = true;
    dark_ = false;
    show(name, look, now_ms);
    next_tick_ = now_ms;
}

void StatusLed::turn_off(std::uint32_t now_ms) {
    direct_ = dark_ = true;
    show("OFF", {0, Pattern::solid, 0}, now_ms);
    next_tick_ = now_ms;
}

void StatusLed::release(std::uint32_t now_ms) {
    if (!direct_) return;
    direct_ = dark_ = false;
    next_tick_ = now_ms;
}

void StatusLed::clear() {
    while (arbiter_.size()) arbiter_.deactivate(static_cast<std::uint8_t>(arbiter_.front()));
    sequence_.count = 0;
    direct_ = dark_ = false;
}

bool StatusLed::sequence_step(std::uint32_t now_ms, std::uint32_t* rgb) {
    std::uint32_t t = now_ms - sequence_start_;
    if (sequence_.total == 0) {  // cycles until stopped
        std::uint32_t cycle = 0;
        for (std::uint8_t i = 0; i < sequence_.count; ++i) cycle += sequence_.steps[i].ms;
        if (cycle == 0) return false;
        t %= cycle;
    }
    const std::uint32_t total = sequence_.total ? sequence_.total : sequence_.count;
    for (std::uint32_t i = 0; i < total; ++i) {
        const Step& step = sequence_.steps[i % sequence_.count];
        if (t < step.ms) {
            *rgb = step.rgb;
            return true;
        }
        t -= step.ms;
    }
    return false;
}

// What a sequence is reported as: its first lit colour (the flicker starts dark).
std::uint32_t StatusLed::sequence_colour() const {
    for (std::uint8_t i = 0; i < sequence_.count; ++i)
        if (sequence_.steps[i].rgb) return sequence_.steps[i].rgb;
    return 0;
}

void StatusLed::update(std::uint32_t now_ms) {
    if (emitted_ && later(next_tick_, now_ms)) return;
    // The ticks keep a 25 ms grid, as from a timer, so a pass that runs a little late does
    // not shift every later edge; after a long stall the grid starts again from now.
    next_tick_ = now_ms - next_tick_ > 4u * kUpdatePeriodMs ? now_ms + kUpdatePeriodMs
                                                             : next_tick_ + kUpdatePeriodMs;
    if (direct_) {
        emit(dark_ ? Pwm{0, 0, 0} : engine_.output(now_ms));
        return;
    }
    for (;;) {
        const int front = arbiter_.front();
        if (front == StatusArbiter::kNone) return;  // the LED keeps its last output
        if (front == kSequenceId) {
            std::uint32_t rgb = 0;
            if (!sequence_step(now_ms, &rgb)) {
                arbiter_.deactivate(kSequenceId);
                sequence_.count = 0;
                continue;  // what the indication covered shows again
            }
            show(sequence_.name, {sequence_colour(), Pattern::solid, 0}, now_ms);
            emit(scale_color(rgb, engine_.brightness()));
            return;
        }
        const SignalRow& row = signal_row(static_cast<Signal>(front));
        show(row.name, row.look, now_ms);
        emit(engine_.output(now_ms));
        return;
    }
}

void StatusLed::announce() {
    if (watcher_ && shown_name_) watcher_->showing(shown_name_, shown_look_);
    if (led_ && emitted_) led_->drive(last_.r, last_.g, last_.b);
}

void StatusLed::show(const char* name, const Look& look, std::uint32_t now_ms) {
    const bool same = name == shown_name_ && look.rgb == shown_look_.rgb &&
                      look.pattern == shown_look_.pattern &&
                      look.period_ms == shown_look_.period_ms;
    engine_.show(look, now_ms);
    if (same) return;
    shown_name_ = name;
    shown_look_ = look;
    if (watcher_) watcher_->showing(name, look);
}

void StatusLed::emit(const Pwm& pwm) {
    if (emitted_ && pwm == last_) return;
    emitted_ = true;
    last_ = pwm;
    if (led_) led_->drive(pwm.r, pwm.g, pwm.b);
}

}  // namespace led
}  // namespace core
