// The setup AP of a whole Photon on fakes: TCP (port 5609) and HTTP clients connecting,
// sending in pieces, half-closing or vanishing, interleaved, with the clock moving; every
// SoftAP command, its JSON body and RSA decryption behind them. Rebuilt for every input.
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

fuzz::Flash g_keyed;
fuzz::DeviceRig g_rig;

void init() { fuzz::make_keyed_flash(g_keyed); }

// Records, by the top three bits of their first byte (c: connection, low bits):
//   000s....  a client connects (s: 0 TCP, 1 HTTP)
//   001-011   it sends: a length byte, then up to that many bytes (+1)
//   100       it half-closes (FIN)       101  it resets
//   110t....  the loop runs once, after t * 100 ms
//   111n....  the loop runs n + 1 times, 1 s apart
void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t setup = in.byte();
    core::Device& d = g_rig.start(setup & 1 ? "p1" : "photon", g_keyed.cells);
    g_rig.radio.result = static_cast<hal::JoinProgress>(2 + (setup >> 1) % 4);
    fuzz::Listener& l = g_rig.listener;
    fuzz::NoHeap no_heap;
    auto step = [&](std::uint32_t ms) {
        g_rig.clock.now += ms;
        if (g_rig.control.reset_requested) {
            g_rig.control.reset_requested = false;
            d.boot(g_rig.control.next);
        }
        d.step();
    };
    while (!in.empty()) {
        const std::uint8_t op = in.byte();
        const int c = l.count ? (op & 7) % l.count : -1;
        switch (op >> 5) {
            case 0:
                l.connect(op & 1 ? hal::SetupService::http : hal::SetupService::simple);
                break;
            case 1: case 2: case 3: {
                const std::uint8_t* p;
                const std::size_t n = in.take(in.byte() + 1u, &p);
                if (c >= 0) l.push(c, p, n);
                break;
            }
            case 4: if (c >= 0) l.connections[c].finished = true; break;
            case 5: if (c >= 0) l.connections[c].broken = true; break;
            case 6: step((op & 0x1F) * 100u); break;
            default:
                for (int i = 0; i <= (op & 0x1F); ++i) step(1000);
                break;
        }
    }
    // Idle for longer than every timeout: no connection may be left holding a slot.
    for (int i = 0; i < 40; ++i) step(1000);
    for (int i = 0; i < l.count; ++i)
        FUZZ_CHECK(!l.connections[i].accepted || l.connections[i].closed || !l.up);
}

}  // namespace

HARKEN_FUZZ_HARNESS("softap_server", init, run);
