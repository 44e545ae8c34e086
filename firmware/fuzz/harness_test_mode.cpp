// Test mode on a whole device (Photon, P1 or Electron on fakes): bytes on the test pads pass
// the preamble gate, the frame reader and the command service, with the clock moving (frames
// time out, joins end), the flash losing power and the device resetting when asked. The pads
// are a port of their own or the console itself (the boards). Whatever the station sends:
// every frame the device writes is a whole, valid reply frame in one write(), and on pads of
// their own the stored configuration changes only after a CLEAR_CREDENTIALS or
// FACTORY_RESET that answered ok.
#include "core/test_mode_frame.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

namespace tmode = core::test_mode;

// What a station reads back: each write that starts a frame must be exactly one good reply.
class Replies final : public tmode::FrameSink {
public:
    int frames = 0;
    bool config_changed = false;   // CLEAR_CREDENTIALS or FACTORY_RESET said ok
    void frame(std::uint8_t type, std::uint8_t, const std::uint8_t* payload,
               std::size_t len) override {
        FUZZ_CHECK(type & tmode::kReplyBit);
        FUZZ_CHECK(len >= 1 && len <= tmode::kMaxReplyPayload);
        const std::uint8_t status = payload[0];
        FUZZ_CHECK(status <= 10 || (status >= 32 && status <= 34));
        FUZZ_CHECK(status == 0 || len == 1);   // fields only after ok
        if (status == 0 && (type == 0x83 || type == 0x87)) config_changed = true;
        ++frames;
    }
    void frame_error(tmode::Status, std::uint8_t) override { FUZZ_CHECK(!"a bad reply frame"); }
};

class PadsPort final : public hal::ConsolePort {
public:
    fuzz::Port in;
    Replies replies;
    bool only_frames = true;   // pads of their own carry nothing else here (the log is not on them)

    void clear() {
        in.clear();
        replies = Replies();
    }
    std::size_t available() override { return in.available(); }
    int read() override { return in.read(); }
    void write(const std::uint8_t* data, std::size_t len) override {
        FUZZ_CHECK(data != nullptr || len == 0);
        const bool frame = len >= 2 && data[0] == tmode::kSync0 && data[1] == tmode::kSync1;
        FUZZ_CHECK(frame || !only_frames);
        if (!frame) return;   // console text on shared pads
        reader_.clear();
        const int before = replies.frames;
        for (std::size_t i = 0; i < len; ++i) reader_.push(data[i], 0, replies);
        std::uint32_t deadline;
        FUZZ_CHECK(replies.frames == before + 1 && !reader_.waiting(&deadline));
    }

private:
    tmode::BufferedFrameReader<tmode::kMaxPayload> reader_;
};

fuzz::Flash g_keyed;
fuzz::DeviceRig g_rig;
PadsPort g_pads;
std::uint8_t g_before[sizeof g_keyed.cells];

void init() { fuzz::make_keyed_flash(g_keyed); }

// The first byte: bits 0-1 the platform, bit 2 pads shared with the console, bits 3-4 how
// a join ends, bit 5 no preamble sent ahead. Then, bytes go to the pads except:
//   F0..FB  the loop runs once, after (n - F0) * 25 ms
//   FC      the loop runs 20 times, 100 ms apart
//   FD x    the flash stops answering after x more operations
//   FE      the flash answers again
//   FF x    the byte x itself
void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    static const char* const kPlatforms[] = {"photon", "p1", "electron", "photon"};
    static const hal::JoinProgress kResults[] = {
        hal::JoinProgress::joined, hal::JoinProgress::wrong_password,
        hal::JoinProgress::network_not_found, hal::JoinProgress::joining};   // never ends
    const std::uint8_t setup = in.byte();
    const bool shared = setup & 0x04;
    g_pads.clear();
    g_pads.only_frames = !shared;
    g_rig.pads = &g_pads;
    g_rig.pads_are_console = shared;
    core::Device& d = g_rig.start(kPlatforms[setup & 3], g_keyed.cells);
    g_rig.radio.result = kResults[(setup >> 3) & 3];
    std::memcpy(g_before, g_rig.flash.cells, sizeof g_before);
    bool power_cut = false;
    fuzz::NoHeap no_heap;
    auto queue = [&](const std::uint8_t* p, std::size_t n) { g_pads.in.push(p, n); };
    std::size_t queued = 0;
    auto step = [&] {
        if (g_rig.control.reset_requested) {
            g_rig.control.reset_requested = false;
            g_pads.in.clear();   // what was in the UART is lost
            d.boot(g_rig.control.next);
        }
        d.step();
        g_pads.in.compact();
        queued = 0;
    };
    if (!(setup & 0x20)) queue(core::TestPadsGate::kPreamble, core::TestPadsGate::kPreambleSize);
    while (!in.empty()) {
        std::uint8_t b = in.byte();
        if (b >= 0xF0 && b <= 0xFB) {
            g_rig.clock.now += (b - 0xF0) * 25u;
            step();
            continue;
        }
        if (b == 0xFC) {
            for (int i = 0; i < 20; ++i) {
                g_rig.clock.now += 100;
                step();
            }
            continue;
        }
        if (b == 0xFD) {
            g_rig.flash.fail_after = static_cast<long long>(g_rig.flash.ops) + in.byte();
            power_cut = true;
            continue;
        }
        if (b == 0xFE) {
            g_rig.flash.fail_after = -1;
            continue;
        }
        if (b == 0xFF) b = in.byte();
        queue(&b, 1);
        if (++queued == 256) step();   // a UART buffer's worth between passes
    }
    for (int i = 0; i < 10; ++i) {   // long enough for a frame to time out and a reset to run
        g_rig.clock.now += 100;
        step();
    }
    // Test mode reads everything it is given.
    FUZZ_CHECK(!d.test_mode() || g_pads.in.available() == 0);
    // Shared pads are also the console, whose commands may store things.
    if (!shared && !g_pads.replies.config_changed && !power_cut)
        FUZZ_CHECK(std::memcmp(g_before, g_rig.flash.cells, sizeof g_before) == 0);
}

}  // namespace

HARKEN_FUZZ_HARNESS("test_mode", init, run);
