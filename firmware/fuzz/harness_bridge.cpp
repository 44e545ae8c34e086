// The QEMU network bridge: the frame decoder on the host's raw byte stream (every byte
// accounted for) and the device's link on top of it (OPEN, DATA within credit, FIN, RESET,
// HELLO, torn and forged frames), with the SoftAP server's calls (accept, receive, send,
// close, start, stop) interleaved. Everything the device writes must decode as good frames.
#include "core/bridge_frame.hpp"
#include "core/bridge_link.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace core::bridge;

// Counts what a decoder handed over, for the byte accounting.
class CountingSink final : public core::BridgeFrameSink {
public:
    std::size_t bytes = 0;
    void on_frame(const core::BridgeFrame& f) override {
        FUZZ_CHECK(f.length <= kMaxPayload && (f.payload != nullptr || f.length == 0));
        bytes += kHeader + f.length + kTrailer;
    }
};

// The link as the device sees it; what it writes is decoded at once and must be clean.
class LinkPort final : public hal::ConsolePort {
public:
    fuzz::Port in;
    core::BridgeFrameDecoder out_decoder;
    CountingSink out_frames;
    std::size_t available() override { return in.available(); }
    int read() override { return in.read(); }
    void write(const std::uint8_t* data, std::size_t len) override {
        FUZZ_CHECK(data != nullptr && len <= kMaxFrame);
        out_decoder.feed(data, len, out_frames);
        const auto& c = out_decoder.counters();
        FUZZ_CHECK(c.bad_crc == 0 && c.oversize == 0 && c.skipped == 0);
        FUZZ_CHECK(out_decoder.pending() == 0);   // one whole frame per write
    }
};

LinkPort g_port;
fuzz::Log g_log;
std::uint8_t g_frame[kMaxFrame];
std::uint8_t g_buf[1024];

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    g_port.in.clear();
    g_port.out_decoder = core::BridgeFrameDecoder();
    g_port.out_frames = CountingSink();
    fuzz::NoHeap no_heap;
    core::BridgeLink link(g_port, g_log);
    core::BridgeFrameDecoder host_decoder;   // the same stream, through a bare decoder
    CountingSink host_frames;
    std::size_t fed = 0;
    auto send_host = [&](const std::uint8_t* p, std::size_t n) {
        g_port.in.compact();
        g_port.in.push(p, n);
        host_decoder.feed(p, n, host_frames);
        fed += n;
    };
    link.begin();
    if (in.byte() & 1) link.start();
    static const std::uint8_t kTypes[] = {kOpen, kHostData, kFin, kReset, kHostHello, kHostData,
                                          kHostData, 0};
    while (!in.empty()) {
        const std::uint8_t op = in.byte();
        switch (op >> 6) {
            case 0: {   // a well-formed frame from the host
                std::uint8_t type = kTypes[op & 7];
                if (type == 0) type = in.byte();
                const std::uint8_t connection = static_cast<std::uint8_t>((op >> 3) & 7);
                const std::uint8_t* p;
                const std::size_t n = in.take(type == kHostData ? in.u16() % 600 : in.byte() % 20, &p);
                const std::size_t k = core::encode_bridge_frame(type, connection, p, n, g_frame,
                                                                sizeof g_frame);
                FUZZ_CHECK(k == (n <= kMaxPayload ? kHeader + n + kTrailer : 0));
                send_host(g_frame, k);
                break;
            }
            case 1: {   // raw bytes: torn frames, noise, forged lengths
                const std::uint8_t* p;
                const std::size_t n = in.take(in.byte() + 1u, &p);
                send_host(p, n);
                break;
            }
            case 2: {   // the SoftAP server's side
                const int connection = static_cast<int>(op & 15) - 4;   // some ids are bogus
                switch ((op >> 4) & 3) {
                    case 0: {
                        hal::SetupService service;
                        const int c = link.accept(&service);
                        FUZZ_CHECK(c >= -1 && c < static_cast<int>(core::BridgeLink::kConnections));
                        break;
                    }
                    case 1: {
                        const std::size_t max = in.u16() % sizeof g_buf;
                        const long r = link.receive(connection, g_buf, max);
                        FUZZ_CHECK(r >= -2 && (r < 0 || static_cast<std::size_t>(r) <= max));
                        break;
                    }
                    case 2: {
                        const std::uint8_t* p;
                        const std::size_t n = in.take(in.u16() % 1500, &p);
                        (void)link.send(connection, n ? p : g_buf, n);
                        break;
                    }
                    default: link.close(connection); break;
                }
                break;
            }
            default:
                switch (op & 3) {
                    case 0: link.stop(); break;
                    case 1: link.start(); break;
                    default: link.poll(); break;
                }
                break;
        }
    }
    link.poll();
    const auto& c = host_decoder.counters();
    FUZZ_CHECK(host_frames.bytes + c.bad_crc + c.oversize + c.skipped + host_decoder.pending() ==
               fed);
    FUZZ_CHECK(host_decoder.pending() < kMaxFrame);
}

}  // namespace

HARKEN_FUZZ_HARNESS("bridge", nullptr, run);
