#pragma once
// The `s` system description: platform, identity keys (Electron) and the running modules,
// in Device OS 2.3.1's compact JSON form (serial-listening-mode.md §4.6).
#include "core/console_context.hpp"
#include "core/console_output.hpp"

namespace core {

void write_system_describe(ConsoleOutput& out, const ConsoleContext& ctx);
void write_diagnostics(ConsoleOutput& out, const ConsoleContext& ctx);

}  // namespace core
