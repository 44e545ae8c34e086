// The USB-serial side of a whole device (Photon, P1 or Electron on fakes): the listening-mode
// console, its claim-code and Wi-Fi dialogues, `f` into YMODEM and staging, resets the
// console asks for, with the clock moving. The device is rebuilt for every input.
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

fuzz::Flash g_keyed;
fuzz::DeviceRig g_rig;

void init() { fuzz::make_keyed_flash(g_keyed); }

// Bytes go to the console as they stand, except:
//   F0..FC  the loop runs once, after (n - F0) * 250 ms
//   FD      the host asks for listening mode (the 28800-baud trick)
//   FE      the loop runs 20 times, 100 ms apart
//   FF x    the byte x itself
void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    static const char* const kPlatforms[] = {"photon", "p1", "electron", "photon"};
    const std::uint8_t setup = in.byte();
    core::Device& d = g_rig.start(kPlatforms[setup & 3], g_keyed.cells);
    g_rig.radio.result = static_cast<hal::JoinProgress>(2 + (setup >> 2) % 4);
    fuzz::NoHeap no_heap;
    std::size_t queued = 0;
    auto step = [&] {
        if (g_rig.control.reset_requested) {   // `L`, an installed update: the device resets
            g_rig.control.reset_requested = false;
            g_rig.console.clear();              // and what was in its UART is lost
            d.boot(g_rig.control.next);
        }
        d.step();
        g_rig.console.compact();
        queued = 0;
    };
    while (!in.empty()) {
        std::uint8_t b = in.byte();
        if (b >= 0xF0 && b <= 0xFC) {
            g_rig.clock.now += (b - 0xF0) * 250u;
            step();
            continue;
        }
        if (b == 0xFD) {
            d.start_listening(core::ListenReason::host_request);
            continue;
        }
        if (b == 0xFE) {
            for (int i = 0; i < 20; ++i) {
                g_rig.clock.now += 100;
                step();
            }
            continue;
        }
        if (b == 0xFF) b = in.byte();
        g_rig.console.push(&b, 1);
        if (++queued == 256) step();   // a UART buffer's worth between passes
    }
    // The loop drains the console, though not always in one pass (a YMODEM session that
    // failed leaves the rest to the next): as many passes as it takes, half a second apart.
    for (std::size_t i = 0; i < 10 || (g_rig.console.available() && i < fuzz::Port::kCapacity);
         ++i) {
        g_rig.clock.now += 500;
        step();
    }
    // A listening console reads everything (unknown bytes included) unless a reset is due.
    FUZZ_CHECK(g_rig.console.available() == 0 || !d.listening() ||
               g_rig.control.reset_requested);
}

}  // namespace

HARKEN_FUZZ_HARNESS("console", init, run);
