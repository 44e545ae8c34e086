#include "bench_commands.hpp"

#include <cstdio>
#include <cstring>

#include "core/bench_lines.hpp"

namespace native {

void BenchCommands::run(const char* line, char* answer, std::size_t size) {
    const char* space = std::strchr(line, ' ');
    const std::size_t name_len = space ? static_cast<std::size_t>(space - line) : std::strlen(line);
    const char* args = space ? space + 1 : line + name_len;
    const auto is = [&](const char* name) {
        return std::strlen(name) == name_len && std::strncmp(line, name, name_len) == 0;
    };
    const char* error = nullptr;
    if (is("HELLO")) {
        std::snprintf(answer, size, "%s", *args ? "ERR bad argument" : "HELLO harken-fixture 1");
        if (!*args && device_) device_->announce_ui();  // events for all, ahead of the answer
        return;
    }
    if (is("BTN")) {
        error = core::bench::button_command(args, button_);
    } else if (is("RESET")) {
        std::uint32_t hold_ms = 0;
        error = core::bench::reset_command(args, &hold_ms);
        if (!error) {
            if (hold_ms) button_.script(1, hold_ms, 0);
            control_.reset(hal::BootMode::normal);
        }
    } else {
        error = "unknown command";
    }
    std::snprintf(answer, size, error ? "ERR %s" : "OK", error);
}

}  // namespace native
