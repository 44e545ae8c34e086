// Test mode's frame reader and writer (protocol/test-mode.md "Frame errors"), and the
// preamble gate on pads of their own and on the boards' pads shared with the console.
#include <gtest/gtest.h>

#include "core/test_pads_gate.hpp"
#include "test_mode_suite.hpp"

using namespace test_mode_suite;
using station::Reply;

// ---- frames ------------------------------------------------------------------------------

TEST(TestModeFrame, WriterChecksItsBounds) {
    Bytes payload(1024, 0x11), out(tmode::frame_size(1025));
    EXPECT_EQ(tmode::encode_frame(0x85, 1, payload.data(), 1024, out.data(), out.size()),
              tmode::frame_size(1024));
    EXPECT_EQ(tmode::encode_frame(0x85, 1, payload.data(), 1024, out.data(),
                                  tmode::frame_size(1024) - 1),
              0u);
    payload.push_back(0);
    EXPECT_EQ(tmode::encode_frame(0x85, 1, payload.data(), 1025, out.data(), out.size()), 0u);
    EXPECT_EQ(tmode::seal_frame(out.data(), tmode::frame_size(3) - 1, 0x80, 1, 3), 0u);
    EXPECT_EQ(tmode::seal_frame(out.data(), tmode::frame_size(3), 0x80, 1, 3),
              tmode::frame_size(3));

    std::uint8_t small[3];
    tmode::PayloadWriter w(small, sizeof small);
    w.u16(0x1234);
    EXPECT_TRUE(w.ok());
    w.u16(0x5678);  // does not fit: nothing of it is written, nor anything after
    w.u8(9);
    EXPECT_FALSE(w.ok());
    EXPECT_EQ(w.size(), 2u);
}

TEST(TestModeFrame, PayloadLimitIsTheReadersParameter) {
    tmode::BufferedFrameReader<256> device;
    tmode::BufferedFrameReader<1024> host;
    Recorder d, h;
    for (std::size_t n : {256u, 257u, 1024u, 1025u}) {
        const Bytes f = station::frame(0x50, static_cast<std::uint8_t>(n), Bytes(n, 0x41));
        push(device, f, 0, d);
        push(host, f, 0, h);
    }
    // 1025 cannot be encoded: its header alone is sent (the length field says 1025).
    const Bytes too_long{0xFA, 0xCE, 0x01, 0x50, 0x09, 0x01, 0x04};
    push(device, too_long, 0, d);
    push(host, too_long, 0, h);
    EXPECT_EQ(d.events, (std::vector<std::string>{"frame 80 0 256", "bad_length 1",
                                                  "bad_length 0", "bad_length 9"}));
    EXPECT_EQ(h.events, (std::vector<std::string>{"frame 80 0 256", "frame 80 1 257",
                                                  "frame 80 0 1024", "bad_length 9"}));
}

TEST(TestModeFrame, AFrameThatStopsIsReportedTruncatedAfter250ms) {
    tmode::BufferedFrameReader<256> reader;
    Recorder rec;
    std::uint32_t deadline = 0;
    push(reader, {0xFA}, 1000, rec);  // a lone FA is not a frame yet: it never times out
    EXPECT_FALSE(reader.waiting(&deadline));
    reader.poll(5000, rec);
    push(reader, {0xCE, 0x01, 0x00, 0x07}, 5000, rec);  // seq 7 read
    ASSERT_TRUE(reader.waiting(&deadline));
    EXPECT_EQ(deadline, 5250u);
    reader.poll(5249, rec);
    EXPECT_TRUE(rec.events.empty());
    reader.poll(5250, rec);
    EXPECT_EQ(rec.events, std::vector<std::string>{"truncated 7"});
    EXPECT_FALSE(reader.waiting(&deadline));

    // Before its sequence number: 0. A late byte reports the old frame first, then counts.
    rec.events.clear();
    push(reader, {0xFA, 0xCE, 0x01}, 6000, rec);
    push(reader, station::frame(kPing, 3), 6300, rec);
    EXPECT_EQ(rec.events, (std::vector<std::string>{"truncated 0", "frame 0 3 0"}));
}

TEST(TestModeFrame, AHandedOnFrameIsWipedFromTheBuffer) {
    std::uint8_t buffer[tmode::frame_size(256)];
    tmode::FrameReader reader(buffer, 256);
    Recorder rec;
    push(reader, station::frame(kJoin, 1, join_payload("Lab", kWpa2Aes, "s3cret-pass", 30)), 0,
         rec);
    ASSERT_EQ(rec.events, std::vector<std::string>{"frame 4 1 22"});
    const std::string left(reinterpret_cast<const char*>(buffer), sizeof buffer);
    EXPECT_EQ(left.find("s3cret"), std::string::npos);
}

TEST(TestModeFrame, ARejectedFrameIsWipedToo) {
    // A JOIN with a broken CRC: its bytes are read again one by one and dropped, wiped.
    std::uint8_t buffer[tmode::frame_size(256)];
    tmode::FrameReader reader(buffer, 256);
    Recorder rec;
    Bytes join = station::frame(kJoin, 1, join_payload("Lab", kWpa2Aes, "s3cret-pass", 30));
    join.back() ^= 0x01;
    push(reader, join, 0, rec);
    ASSERT_FALSE(rec.events.empty());
    EXPECT_EQ(rec.events.front(), "bad_crc 1");
    const std::string left(reinterpret_cast<const char*>(buffer), sizeof buffer);
    EXPECT_EQ(left.find("s3cret"), std::string::npos);
}

TEST(TestModeFrame, TheCopyLeftByMovingTheWindowIsWiped) {
    // A full-size frame with a bad CRC whose tail holds the start of another frame (with a
    // key in it): after the rescan that frame sits at the end of the buffer, and the next
    // byte moves it to the front. Nothing may stay behind at the old place.
    std::uint8_t buffer[tmode::frame_size(256)];
    tmode::FrameReader reader(buffer, 256);
    Recorder rec;
    Bytes payload(256, 'n');
    const std::string inner("\xfa\xce\x01\x04\x02\x64\x00s3cret-pass", 18);  // length 100
    const std::size_t at = 256 - inner.size();
    std::copy(inner.begin(), inner.end(), payload.begin() + static_cast<std::ptrdiff_t>(at));
    Bytes outer = station::frame(kPing, 1, payload);
    outer.back() ^= 0x01;
    push(reader, outer, 0, rec);
    ASSERT_EQ(rec.events.front(), "bad_crc 1");
    push(reader, Bytes{'m'}, 0, rec);  // moves the inner frame's window to the front
    const std::size_t live = inner.size() + 4 + 1;  // the inner frame, the outer CRC, 'm'
    const std::string stale(reinterpret_cast<const char*>(buffer) + live, sizeof buffer - live);
    EXPECT_EQ(stale.find("s3cret"), std::string::npos);
}

// ---- the gate ----------------------------------------------------------------------------

TEST(TestPadsGate, TheConsoleSideSeesBytesUntilThePreamble) {
    fake::Console port;
    core::TestPadsGate gate(&port);
    const Bytes pre = station::preamble();
    port.send("ab");
    port.rx.insert(port.rx.end(), pre.begin(), pre.end());
    port.send("cd");
    std::string seen;
    for (int c; (c = gate.read()) >= 0;) seen += static_cast<char>(c);
    EXPECT_EQ(seen, "ab" + std::string(pre.begin(), pre.end() - 1));  // the 16th is swallowed
    EXPECT_TRUE(gate.open());
    EXPECT_EQ(gate.available(), 0u);
    EXPECT_TRUE(gate.take_preamble());
    EXPECT_FALSE(gate.take_preamble());
    EXPECT_EQ(gate.read(), -1);  // from now on the bytes are test mode's
    EXPECT_EQ(gate.next(), 'c');
    EXPECT_EQ(gate.next(), 'd');
    EXPECT_EQ(gate.next(), -1);
    gate.write(reinterpret_cast<const std::uint8_t*>("xy"), 2);
    EXPECT_EQ(port.take(), "xy");
    gate.reset();
    EXPECT_FALSE(gate.open());
    port.send("e");
    EXPECT_EQ(gate.read(), 'e');
}

TEST(TestPadsGate, PartialAndOverlappingPreamblesCountOnce) {
    const Bytes pre = station::preamble();
    const auto count = [](const Bytes& stream) {
        fake::Console port;
        core::TestPadsGate gate(&port);
        port.rx.assign(stream.begin(), stream.end());
        int n = 0;
        while (gate.next() >= 0) n += gate.take_preamble();
        return n;
    };
    const auto cat = [](std::initializer_list<Bytes> parts) {
        Bytes out;
        for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
        return out;
    };
    EXPECT_EQ(count(pre), 1);
    EXPECT_EQ(count(cat({Bytes(pre.begin(), pre.end() - 1), pre})), 1);   // 15 bytes, then 16
    EXPECT_EQ(count(cat({Bytes(pre.begin(), pre.begin() + 3), pre})), 1);
    EXPECT_EQ(count(cat({{0xE1}, pre})), 1);
    EXPECT_EQ(count(cat({{0x00, 0xFA, 0xCE}, pre, {0x41}})), 1);
    EXPECT_EQ(count(cat({pre, pre})), 2);
    Bytes wrong = pre;
    wrong[9] ^= 1;
    EXPECT_EQ(count(wrong), 0);
    EXPECT_EQ(count(Bytes(pre.begin(), pre.end() - 1)), 0);
}

TEST(TestPadsGate, WithoutPadsItStaysClosed) {
    core::TestPadsGate gate(nullptr);
    EXPECT_EQ(gate.read(), -1);
    EXPECT_EQ(gate.next(), -1);
    EXPECT_EQ(gate.available(), 0u);
    gate.write(reinterpret_cast<const std::uint8_t*>("x"), 1);
    EXPECT_FALSE(gate.open());
}
