#pragma once
// The listening-mode serial console (serial-listening-mode.md §3-§5): one command byte at a
// time, line-reading dialogues for the claim code and Wi-Fi, unknown bytes ignored.
#include "core/console_context.hpp"
#include "core/line_reader.hpp"
#include "core/wifi_dialog.hpp"
#include "hal/console_port.hpp"

namespace core {

class SetupConsole {
public:
    SetupConsole(hal::ConsolePort& port, ConsoleContext& ctx)
        : port_(port), out_(port), ctx_(ctx), wifi_(ctx, out_, reader_) {}

    // Handles every byte waiting on the port.
    void poll();
    // Abandons an unfinished dialogue (listening mode ended under it).
    void abort();

private:
    enum class Dialogue { none, claim_code, wifi };

    bool dispatch(unsigned char c);   // false once listening mode ended
    bool line_done();
    void identify();
    void mac();
    void join_report();
    void claim_code_done();
    void flush_input();

    hal::ConsolePort& port_;
    ConsoleOutput out_;
    ConsoleContext& ctx_;
    LineReader reader_;
    WifiDialog wifi_;
    Dialogue dialogue_ = Dialogue::none;
    char claim_code_[DeviceConfig::kClaimCodeLen + 1];
};

}  // namespace core
