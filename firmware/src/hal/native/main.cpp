// The native virtual device: the firmware core as a process, its USB serial a pty, its
// manufacturing test pads (protocol/test-mode.md) a second pty that also carries the event log.
//   program --platform photon|p1|electron --state DIR [--listen-timeout SECONDS]
//           [--product-id N] [--product-version N] [--power-cut-at BYTES]
//           [--softap-port N] [--http-port N] [--fixture-port N]
// Prints one JSON line on stdout when ready (protocol/virtual-device.md); runs until
// SIGINT/SIGTERM. The setup AP's ports (Photon/P1) and the fixture port (the bench's button
// and LED lines) default to 0: free ports picked at start and kept for the run.
#ifndef PIO_UNIT_TESTING

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/bench_button.hpp"
#include "core/bench_lines.hpp"
#include "core/device.hpp"
#include "core/test_pads_log.hpp"
#include "file_storage.hpp"
#include "file_update_store.hpp"
#include "bench_commands.hpp"
#include "fixture_socket.hpp"
#include "identity_file.hpp"
#include "native_system.hpp"
#include "pty_console.hpp"
#include "setup_sockets.hpp"
#include "simulated_radio.hpp"
#include "system_entropy.hpp"

namespace {

// Where harken's board images are linked (firmware/platform/ldscripts/gen2_monolithic.ld).
constexpr std::uint32_t kMonolithicStart = 0x08020000;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Options {
    const char* platform = nullptr;
    const char* state = nullptr;
    long listen_timeout_s = -1;
    long product_id = -1;
    long product_version = 0xFFFF;
    long long power_cut_at = -1;
    long softap_port = 0;
    long http_port = 0;
    long fixture_port = 0;
};

int usage() {
    std::fprintf(stderr,
                 "usage: program --platform photon|p1|electron --state DIR "
                 "[--listen-timeout S] [--product-id N] [--product-version N] "
                 "[--power-cut-at BYTES] [--softap-port N] [--http-port N] "
                 "[--fixture-port N]\n");
    return 2;
}

bool parse(int argc, char** argv, Options* o) {
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (i + 1 >= argc) return false;
        const char* v = argv[++i];
        if (!std::strcmp(a, "--platform")) o->platform = v;
        else if (!std::strcmp(a, "--state")) o->state = v;
        else if (!std::strcmp(a, "--listen-timeout")) o->listen_timeout_s = std::atol(v);
        else if (!std::strcmp(a, "--product-id")) o->product_id = std::atol(v);
        else if (!std::strcmp(a, "--product-version")) o->product_version = std::atol(v);
        else if (!std::strcmp(a, "--power-cut-at")) o->power_cut_at = std::atoll(v);
        else if (!std::strcmp(a, "--softap-port")) o->softap_port = std::atol(v);
        else if (!std::strcmp(a, "--http-port")) o->http_port = std::atol(v);
        else if (!std::strcmp(a, "--fixture-port")) o->fixture_port = std::atol(v);
        else return false;
    }
    const auto port = [](long p) { return p >= 0 && p <= 65535; };
    return o->platform && o->state && port(o->softap_port) && port(o->http_port) &&
           port(o->fixture_port);
}

void path_in(char* out, std::size_t size, const char* dir, const char* name) {
    std::snprintf(out, size, "%s/%s", dir, name);
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    if (!parse(argc, argv, &opt)) return usage();
    const core::PlatformInfo* platform = core::platform_by_name(opt.platform);
    if (!platform) {
        std::fprintf(stderr, "unknown platform '%s'\n", opt.platform);
        return 2;
    }

    char identity_path[512], dct_path[512], console_path[512], wifi_path[512],
        test_pads_path[512];
    path_in(identity_path, sizeof identity_path, opt.state, "identity.txt");
    path_in(dct_path, sizeof dct_path, opt.state, "dct.bin");
    path_in(console_path, sizeof console_path, opt.state, "console");
    path_in(wifi_path, sizeof wifi_path, opt.state, "wifi-env.txt");
    path_in(test_pads_path, sizeof test_pads_path, opt.state, "testpads");

    static hal::Identity identity;
    if (!native::load_or_create_identity(identity_path, *platform, &identity)) {
        std::fprintf(stderr, "cannot read or create %s\n", identity_path);
        return 1;
    }
    static native::FileStorage storage;
    if (!storage.open(dct_path)) {
        std::fprintf(stderr, "cannot open %s\n", dct_path);
        return 1;
    }
    if (opt.power_cut_at >= 0) storage.arm_power_cut(static_cast<std::uint64_t>(opt.power_cut_at));
    static native::PtyConsole console;
    if (!console.open(console_path)) {
        std::fprintf(stderr, "cannot create the console pty at %s\n", console_path);
        return 1;
    }
    // Like a UART with nobody on the pads, it drops what it writes while no client has it.
    static native::PtyConsole test_pads;
    if (!test_pads.open(test_pads_path)) {
        std::fprintf(stderr, "cannot create the test pads' pty at %s\n", test_pads_path);
        return 1;
    }

    static native::ProcessControl control;
    static native::StderrLog stderr_log;
    static core::TestPadsLog log(stderr_log, test_pads);  // stderr and the test pads
    // Images are linked for the platform's monolithic slot, as harken's board builds are.
    static native::FileUpdateStore updates(opt.state, {kMonolithicStart, platform->monolithic_max_size},
                                           control);
    // Without an installed update the device runs a built-in description of a monolithic
    // image for the platform (no bytes behind it, so no CRC to check).
    static core::RunningImage image{};
    const auto describe_image = [&] {
        if (updates.describe_installed(platform->id, &image)) return;
        image = core::RunningImage{};
        image.prefix.version = core::kModuleVersion;
        image.prefix.platform_id = platform->id;
        image.prefix.function = static_cast<std::uint8_t>(core::ModuleFunction::monolithic);
        image.slot_size = platform->monolithic_max_size;
        image.product_id = static_cast<std::uint16_t>(opt.product_id >= 0 ? opt.product_id
                                                                           : platform->id);
        image.product_version = static_cast<std::uint16_t>(opt.product_version);
    };
    updates.install_pending(platform->id, log);  // queued before a power cut
    describe_image();

    static native::MonotonicClock clock;
    static native::SimulatedRadio radio(wifi_path, clock);
    static native::SystemEntropy entropy;
    static native::SetupSockets setup_ap(static_cast<std::uint16_t>(opt.softap_port),
                                         static_cast<std::uint16_t>(opt.http_port));
    if (platform->has_wifi && !setup_ap.reserve()) {
        std::fprintf(stderr, "cannot bind the SoftAP ports on 127.0.0.1\n");
        return 1;
    }
    static native::FixtureSocket fixture;
    if (!fixture.open(static_cast<std::uint16_t>(opt.fixture_port))) {
        std::fprintf(stderr, "cannot listen for the fixture on 127.0.0.1\n");
        return 1;
    }
    static core::BenchButton button(clock);
    static core::bench::EventLines events(clock, fixture);
    static native::BenchCommands bench(button, control);
    const core::Board board{*platform, console, storage, clock, control, log, identity, entropy,
                            platform->has_wifi ? &radio : nullptr,
                            platform->has_wifi ? &setup_ap : nullptr, image,
                            opt.listen_timeout_s >= 0
                                ? static_cast<std::uint32_t>(opt.listen_timeout_s) * 1000u
                                : platform->listen_timeout_ms,
                            &button, &events, &events, &events, &updates, &test_pads};
    static core::Device device(board);
    bench.attach(&device);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    device.boot(hal::BootMode::normal);

    std::printf("{\"event\":\"ready\",\"console\":\"%s\",\"pty\":\"%s\",\"platform\":\"%s\","
                "\"device_id\":\"",
                console_path, console.slave_path(), platform->name);
    for (std::uint8_t b : identity.device_id) std::printf("%02x", b);
    std::printf("\",\"pid\":%d,\"fixture\":%u,\"testpads\":\"%s\"", static_cast<int>(getpid()),
                fixture.port(), test_pads_path);
    if (platform->has_wifi)
        std::printf(",\"softap\":{\"tcp\":%u,\"http\":%u}", setup_ap.simple_port(),
                    setup_ap.http_port());
    std::printf("}\n");
    std::fflush(stdout);

    while (!g_stop) {
        pollfd fds[2 + 2 + 2 + native::SetupSockets::kConnections + 1 +
                   native::FixtureSocket::kClients];
        std::size_t n = console.watch(fds, 2);
        n += test_pads.watch(fds + n, 2);
        n += setup_ap.watch(fds + n, sizeof fds / sizeof fds[0] - n);
        n += fixture.watch(fds + n, sizeof fds / sizeof fds[0] - n);
        // At most 10 ms (timers: listen timeout, joins, idle connections), and no later than
        // the button's or the LED's next tick.
        const std::uint32_t due = device.ms_until_tick();
        poll(fds, n, due < 10 ? static_cast<int>(due) : 10);
        console.service();
        test_pads.service();
        // A UART has no line coding; taking the event lets the pty's reads go on.
        test_pads.take_line_coding_event();
        if (console.take_line_coding_event()) {
            // Device OS acts on the CDC line coding: 28800 enters listening mode,
            // 14400 asks for DFU, which the virtual device does not have.
            if (console.bitrate() == 28800) device.start_listening(core::ListenReason::host_request);
            if (console.bitrate() == 14400) log.event("system", "DFU requested: not available");
        }
        fixture.service(bench);
        device.step();
        setup_ap.service();
        hal::BootMode next;
        if (control.take_reset(&next)) {
            updates.install_pending(platform->id, log);  // the bootloader runs at every reset
            describe_image();
            device.boot(next);
        }
    }
    console.close();
    fixture.close();
    log.event("system", "stopped");
    test_pads.close();
    return 0;
}

#endif  // PIO_UNIT_TESTING
