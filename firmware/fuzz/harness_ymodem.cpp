// The YMODEM receiver as the main loop runs it: the sender's byte stream split into polls,
// with the clock moving between them, into either a scripted sink or the real staging
// (update_staging.cpp over a 64 KB store). Sessions start again until the input ends.
#include "core/update_staging.hpp"
#include "core/ymodem_receiver.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

// A sink whose answers come from the input; checks the receiver's calls make sense.
class ScriptedSink final : public core::FileSink {
public:
    bool accept = true;
    std::uint32_t fail_write_at = 0xFFFFFFFF;
    int finish_result = 0;
    bool open = false;
    std::uint32_t size = 0;

    bool begin(const char* name, std::uint32_t n) override {
        FUZZ_CHECK(name != nullptr && std::strlen(name) <= core::ymodem::kMaxName);
        open = accept;
        size = n;
        return accept;
    }
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override {
        FUZZ_CHECK(open && data != nullptr);
        FUZZ_CHECK(len == core::ymodem::kShortBlock || len == core::ymodem::kLongBlock);
        return offset != fail_write_at;
    }
    int finish(std::uint32_t n) override {
        FUZZ_CHECK(open);
        (void)n;
        open = false;
        return finish_result;
    }
    void abort() override { open = false; }
};

class Actions final : public core::YmodemActions {
public:
    int restarts = 0;
    void restart_for_update() override { ++restarts; }
};

fuzz::Port g_port;
ScriptedSink g_scripted;
fuzz::UpdateStore g_store;
fuzz::Log g_log;
Actions g_actions;

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t setup = in.byte();
    g_port.clear();
    g_store.clear();
    g_scripted = ScriptedSink();
    g_scripted.accept = !(setup & 0x10);
    g_scripted.finish_result = setup & 0x20 ? core::update_error::integrity : 0;
    if (setup & 0x40) g_scripted.fail_write_at = 128u * (in.byte() % 8);
    g_actions = Actions();
    core::UpdateStaging staging(&g_store, g_log);
    // A Photon running harken 2302, as the update vectors' target.
    static core::ModulePrefix installed{};
    installed.function = static_cast<std::uint8_t>(core::ModuleFunction::monolithic);
    installed.version = core::kModuleVersion;
    installed.platform_id = 6;
    staging.set_target({6, g_store.slot, &installed, 6});
    core::FileSink& sink = setup & 0x80 ? static_cast<core::FileSink&>(staging) : g_scripted;

    fuzz::NoHeap no_heap;
    core::YmodemReceiver rx(g_port, sink, g_actions);
    std::uint32_t now = 10000;
    // How the session starts: the console's `f`, or a packet the console saw begin.
    auto start = [&](std::uint8_t how) {
        switch (how & 3) {
            case 0: rx.start(now, true); break;
            case 1: rx.start(now, false); break;
            case 2: rx.start_with(now, core::ymodem::kSoh); break;
            default: rx.start_with(now, core::ymodem::kStx); break;
        }
    };
    start(setup);
    bool abandoned = false;
    while (!in.empty()) {
        // Each record: how long the host was quiet, then what it sent before the next poll.
        const std::uint8_t wait = in.byte();
        now += wait < 200 ? wait * 10u : (wait - 200u) * 1000u;
        const std::uint8_t* p;
        const std::size_t n = in.take(in.byte(), &p);
        g_port.compact();
        g_port.push(p, n);
        if (!rx.active()) {
            FUZZ_CHECK(!g_scripted.open && !staging.receiving());
            if (wait == 0xFF) break;
            start(wait);
        }
        rx.poll(now);
        if (wait == 0xFE) rx.cancel();
        if (wait == 0xFD) {
            abandoned = abandoned || rx.active();
            rx.abandon();
        }
    }
    // The sender went quiet: within a minute every session has ended one way or another.
    for (int i = 0; i < 70 && rx.active(); ++i) rx.poll(now += 1000);
    FUZZ_CHECK(!rx.active());
    FUZZ_CHECK(!staging.receiving() && !g_scripted.open);
    // A staged file is only ever followed by the restart that installs it (or a reset).
    FUZZ_CHECK(!g_store.queued || g_actions.restarts > 0 || abandoned);
}

}  // namespace

HARKEN_FUZZ_HARNESS("ymodem", nullptr, run);
