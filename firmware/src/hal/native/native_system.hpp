#pragma once
// Small POSIX pieces of the virtual device: monotonic clock, reset requests that restart
// the firmware in-process (the pty survives, like the USB port of a real board does not),
// and the event log on stderr.
#include <time.h>

#include <cstdio>

#include "hal/clock.hpp"
#include "hal/event_log.hpp"
#include "hal/system_control.hpp"

namespace native {

class MonotonicClock final : public hal::Clock {
public:
    std::uint32_t millis() override {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<std::uint32_t>(ts.tv_sec * 1000u + ts.tv_nsec / 1000000);
    }
};

class ProcessControl final : public hal::SystemControl {
public:
    void reset(hal::BootMode next) override {
        pending_ = true;
        next_ = next;
    }
    std::uint32_t listen_flag_register() override { return backup_; }
    void set_listen_flag_register(std::uint32_t value) override { backup_ = value; }

    bool take_reset(hal::BootMode* next) {
        if (!pending_) return false;
        pending_ = false;
        *next = next_;
        return true;
    }

private:
    bool pending_ = false;
    hal::BootMode next_ = hal::BootMode::normal;
    std::uint32_t backup_ = 0;
};

class StderrLog final : public hal::EventLog {
public:
    void event(const char* category, const char* text) override {
        std::fprintf(stderr, "[%s] %s\n", category, text);
        std::fflush(stderr);
    }
};

}  // namespace native
