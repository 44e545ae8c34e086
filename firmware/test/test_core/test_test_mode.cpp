// Test mode (protocol/test-mode.md) on a whole device: the frame reader and writer, the
// preamble gate, entering test mode, every command, and what test mode takes from the system
// (listening mode, its joins, the LED, the button), on pads of their own and on the boards'
// pads shared with the console.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/config_store.hpp"
#include "core/dct_layout.hpp"
#include "core/test_mode_payload.hpp"
#include "fake_ymodem.hpp"
#include "test_mode_rig.hpp"

using station::Bytes;
using station::Reply;
namespace tmode = core::test_mode;

namespace {

constexpr std::uint8_t kPing = 0x00, kIdentify = 0x01, kReboot = 0x02, kFactoryReset = 0x03,
                       kJoin = 0x04, kScan = 0x05, kRssi = 0x06, kClear = 0x07, kLed = 0x08,
                       kButton = 0x09;
constexpr std::uint32_t kWpa2Aes = core::wiced::kWpa2 | core::wiced::kAes;

std::uint8_t code(tmode::Status s) { return static_cast<std::uint8_t>(s); }

Bytes join_payload(const std::string& ssid, std::uint32_t security, const std::string& key,
                   std::uint16_t timeout_s) {
    Bytes p{static_cast<std::uint8_t>(ssid.size())};
    p.insert(p.end(), ssid.begin(), ssid.end());
    for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(security >> (8 * i)));
    p.push_back(static_cast<std::uint8_t>(key.size()));
    p.insert(p.end(), key.begin(), key.end());
    p.push_back(static_cast<std::uint8_t>(timeout_s));
    p.push_back(static_cast<std::uint8_t>(timeout_s >> 8));
    return p;
}

bool logged(const fake::Log& log, const std::string& entry) {
    return std::find(log.events.begin(), log.events.end(), entry) != log.events.end();
}

// A text field (u8 length, bytes) at `at`; moves `at` past it.
std::string text8(const Bytes& p, std::size_t& at) {
    const std::size_t n = p[at++];
    const std::string s(p.begin() + at, p.begin() + at + n);
    at += n;
    return s;
}

class Recorder final : public tmode::FrameSink {
public:
    std::vector<std::string> events;
    void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t*,
               std::size_t len) override {
        events.push_back("frame " + std::to_string(type) + " " + std::to_string(seq) + " " +
                         std::to_string(len));
    }
    void frame_error(tmode::Status status, std::uint8_t seq) override {
        events.push_back(std::string(tmode::status_name(status)) + " " + std::to_string(seq));
    }
};

void push(tmode::FrameReader& reader, const Bytes& bytes, std::uint32_t now, Recorder& rec) {
    for (std::uint8_t b : bytes) reader.push(b, now, rec);
}

}  // namespace

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

// ---- entering test mode ------------------------------------------------------------------

TEST(TestMode, NothingIsACommandBeforeThePreamble) {
    rig::Device r("photon");
    r.send(station::frame(kPing, 1));
    r.run(500);
    EXPECT_EQ(r.port().take(), "");
    EXPECT_FALSE(r.d.test_mode());

    r.b.identity.device_id[0] = 0x3A;
    const auto got = r.exchange(station::preamble());
    ASSERT_EQ(got.size(), 1u);  // HELLO only: the early PING was dropped, not kept
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_EQ(got[0].seq, 0);
    Bytes hello{0, 1};
    hello.insert(hello.end(), r.b.identity.device_id, r.b.identity.device_id + 12);
    EXPECT_EQ(got[0].payload, hello);
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_EQ(r.ui.modes.back(), "test");
    EXPECT_TRUE(logged(r.b.log, "test: test mode entered"));
    EXPECT_EQ(r.request(kPing, 2).payload, (Bytes{0, 1, 0x00, 0x04}));
}

TEST(TestMode, APreambleSplitOverPassesAndAfterAFalseStartCounts) {
    rig::Device r("photon");
    const Bytes pre = station::preamble();
    r.send(Bytes(pre.begin(), pre.begin() + 5));  // a false start
    r.d.step();
    for (std::uint8_t b : pre) r.send({b}), r.run(5);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xC0);
}

TEST(TestMode, ThePreambleAgainGetsHelloAgainAndDropsAHalfSentFrame) {
    rig::Device r("photon");
    r.enter();
    Bytes again = station::preamble();
    const Bytes ping = station::frame(kPing, 6);
    again.insert(again.end(), ping.begin(), ping.end());
    // A station that stopped after a header saying 16 bytes follow: the preamble's bytes
    // went into that frame, which is forgotten at HELLO, so the PING is read at once.
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x05, 0x10, 0x00});
    r.d.step();
    auto got = r.exchange(again);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_EQ(got[1].type, 0x80);
    EXPECT_EQ(got[1].seq, 6);
    // Stopped inside the length field: the preamble's first byte completes it (0xE110, too
    // long), which is answered as the frame error it is, before HELLO.
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x05, 0x10});
    r.d.step();
    got = r.exchange(again);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::bad_length)});
    EXPECT_EQ(got[1].type, 0xC0);
    EXPECT_EQ(got[2].seq, 6);
}

TEST(TestMode, ItEndsListeningModeAndKeepsItOff) {
    rig::Device r("photon");  // no credentials: listening from boot
    r.run(50);
    ASSERT_TRUE(r.d.listening());
    r.enter();
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(logged(r.b.log, "listening: exited"));
    r.d.start_listening(core::ListenReason::host_request);
    r.run(70000);  // the system would listen again for want of credentials
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_EQ(r.ui.modes, (std::vector<std::string>{"normal", "listening", "test"}));
}

TEST(TestMode, TheSystemsJoinsStop) {
    rig::Device r("photon");
    r.radio.add("HomeNet", kWpa2Aes, "longpassword", -40);
    const std::string ssid = "HomeNet", key = "longpassword";
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    r.d.boot(hal::BootMode::normal);
    r.run(500);
    std::int16_t dbm = 0;
    ASSERT_TRUE(r.radio.link_rssi(&dbm));
    r.enter();
    EXPECT_FALSE(r.radio.link_rssi(&dbm));  // the network the system had joined is left
    EXPECT_EQ(r.request(kRssi, 1).status(), code(tmode::Status::not_connected));
    r.run(30000);  // the system would rejoin after 10 s
    EXPECT_EQ(r.radio.progress(), hal::JoinProgress::idle);
}

TEST(TestMode, TheUsbConsoleIsDrainedAndSilent) {
    rig::Device r("photon");
    r.enter();
    r.b.console.tx.clear();
    r.b.console.send("i");  // a host on the USB serial: nothing reads it as a command
    r.run(50);
    EXPECT_TRUE(r.b.console.rx.empty());
    EXPECT_TRUE(r.b.console.tx.empty());
}

TEST(TestMode, NoPadsNoTestMode) {
    rig::Device r("photon", rig::Pads::none);
    const Bytes pre = station::preamble();
    r.b.console.rx.assign(pre.begin(), pre.end());
    r.run(50);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());
}

TEST(TestMode, AResetEndsIt) {
    rig::Device r("photon");
    r.enter();
    r.d.boot(hal::BootMode::normal);
    EXPECT_FALSE(r.d.test_mode());
    r.run(50);
    EXPECT_EQ(r.ui.modes.back(), "listening");
    EXPECT_TRUE(r.exchange(station::frame(kPing, 1)).empty());  // the gate is closed again
    r.enter();
}

// ---- the commands ------------------------------------------------------------------------

TEST(TestMode, PingAndUnknownTypes) {
    rig::Device r("photon");
    r.enter();
    const Reply ping = r.request(kPing, 77);
    EXPECT_EQ(ping.type, 0x80);
    EXPECT_EQ(ping.seq, 77);
    EXPECT_EQ(ping.payload, (Bytes{0, 1, 0x00, 0x04}));  // ok, version 1, 1024
    for (std::uint8_t type : {0x0A, 0x33, 0x80, 0xC0, 0xFF}) {
        const Reply r2 = r.request(type, 5);
        EXPECT_EQ(r2.type, type | 0x80);
        EXPECT_EQ(r2.payload, Bytes{1}) << int{type};  // unknown_command, no fields
    }
}

TEST(TestMode, IdentifyReportsTheUnit) {
    for (const char* platform : {"photon", "electron"}) {
        rig::Device r(platform);
        const bool wifi = r.b.platform->has_wifi;
        for (int i = 0; i < 12; ++i)
            r.b.identity.device_id[i] = static_cast<std::uint8_t>(0x30 + i);
        for (int i = 0; i < 6; ++i) r.b.identity.mac[i] = static_cast<std::uint8_t>(0xE0 + i);
        std::snprintf(r.b.identity.serial_number, sizeof r.b.identity.serial_number, "PH-000123");
        std::snprintf(r.b.identity.imei, sizeof r.b.identity.imei, "352753090123456");
        r.b.image.has_sha = true;
        for (int i = 0; i < 32; ++i) r.b.image.sha256[i] = static_cast<std::uint8_t>(i);
        r.b.image.product_id = 1234;
        r.b.image.product_version = 3;
        r.enter();
        const Reply id = r.request(kIdentify, 2);
        const Bytes& p = id.payload;
        ASSERT_GT(p.size(), 60u);
        EXPECT_EQ(p[0], 0);
        EXPECT_EQ(Bytes(p.begin() + 1, p.begin() + 13),
                  Bytes(r.b.identity.device_id, r.b.identity.device_id + 12));
        EXPECT_EQ(station::u16_at(p, 13), r.b.platform->id);
        EXPECT_EQ(station::u16_at(p, 15), 1234);
        EXPECT_EQ(station::u16_at(p, 17), 3);
        EXPECT_EQ(p[19], 3);  // monolithic
        EXPECT_EQ(p[20], 0);
        EXPECT_EQ(station::u16_at(p, 21), core::kModuleVersion);
        std::size_t at = 23;
        EXPECT_EQ(text8(p, at), "2.3.1+harken.0.1.0");
        EXPECT_EQ(Bytes(p.begin() + at, p.begin() + at + 32),
                  Bytes(r.b.image.sha256, r.b.image.sha256 + 32));
        at += 32;
        const Bytes mac(p.begin() + at, p.begin() + at + 6);
        EXPECT_EQ(mac, wifi ? Bytes(r.b.identity.mac, r.b.identity.mac + 6) : Bytes(6, 0));
        at += 6;
        EXPECT_EQ(text8(p, at), wifi ? "" : "352753090123456");
        EXPECT_EQ(text8(p, at), wifi ? "" : "89340765000025876571");
        EXPECT_EQ(text8(p, at), "PH-000123");
        EXPECT_EQ(at, p.size());
    }
}

TEST(TestMode, JoinAnswersWhenTheJoinEnds) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "s3cret-pass", -48);
    r.radio.add("Vanishing", kWpa2Aes, "", -70).behaviour = core::NetworkBehaviour::gone;
    r.enter();
    struct Case {
        const char* ssid;
        const char* key;
        tmode::Status status;
    };
    const Case cases[] = {{"FactoryAP", "wrong-pass", tmode::Status::join_wrong_password},
                          {"Nowhere", "x", tmode::Status::join_not_found},
                          {"Vanishing", "", tmode::Status::join_not_found},
                          {"FactoryAP", "s3cret-pass", tmode::Status::ok}};
    std::uint8_t seq = 30;
    for (const Case& c : cases) {
        const Bytes join = join_payload(c.ssid, kWpa2Aes, c.key, 30);
        EXPECT_TRUE(r.exchange(station::frame(kJoin, ++seq, join)).empty());  // asynchronous
        r.run(core::kSimulatedAbsentJoinMs + 10);
        const auto got = r.replies();
        ASSERT_EQ(got.size(), 1u) << c.ssid;
        EXPECT_EQ(got[0].type, 0x84);
        EXPECT_EQ(got[0].seq, seq);
        EXPECT_EQ(got[0].status(), code(c.status)) << c.ssid << " " << c.key;
        EXPECT_EQ(got[0].payload.size(), c.status == tmode::Status::ok ? 3u : 1u);
    }
    const Reply rssi = r.request(kRssi, 50);
    ASSERT_EQ(rssi.status(), 0);
    EXPECT_EQ(station::i16_at(rssi.payload, 1), -48);
    std::size_t at = 3;
    EXPECT_EQ(text8(rssi.payload, at), "FactoryAP");
    for (const std::string& e : r.b.log.events)
        EXPECT_EQ(e.find("s3cret"), std::string::npos) << e;  // the key is never logged
    EXPECT_TRUE(logged(r.b.log, "test: JOIN: ok"));
    EXPECT_TRUE(logged(r.b.log, "test: JOIN: join_wrong_password"));
}

TEST(TestMode, JoinReportsTheRssiOfTheNetwork) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "s3cret-pass", -48);
    r.enter();
    r.send(station::frame(kJoin, 9, join_payload("FactoryAP", kWpa2Aes, "s3cret-pass", 30)));
    r.run(core::kSimulatedJoinMs - 10);
    EXPECT_TRUE(r.replies().empty());
    r.run(20);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, (Bytes{0, 0xD0, 0xFF}));  // ok, -48
}

TEST(TestMode, AJoinThatDoesNotEndTimesOut) {
    rig::Device r("photon");
    r.radio.add("SlowAP", kWpa2Aes, "", -60).join_ms = 600000;
    r.radio.add("Silent", kWpa2Aes, "", -60).behaviour = core::NetworkBehaviour::timeout;
    r.enter();
    r.send(station::frame(kJoin, 3, join_payload("SlowAP", kWpa2Aes, "k", 1)));
    r.d.step();
    EXPECT_LE(r.d.ms_until_tick(), tmode::kTruncateMs);
    EXPECT_LE(r.d.ms_until_tick(), core::TestMode::kJoinPollMs);
    r.run(990);
    EXPECT_TRUE(r.replies().empty());
    r.run(15);
    auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::join_timed_out)});
    EXPECT_EQ(r.radio.progress(), hal::JoinProgress::idle);  // the radio was told to leave
    EXPECT_EQ(r.request(kRssi, 4).status(), code(tmode::Status::not_connected));

    // A network that never answers: the radio's own verdict comes first.
    r.send(station::frame(kJoin, 5, join_payload("Silent", kWpa2Aes, "k", 30)));
    r.run(core::kSimulatedJoinMs + 10);
    got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::join_timed_out)});
}

TEST(TestMode, OtherRequestsAreBusyDuringAJoin) {
    rig::Device r("photon");
    r.radio.add("SlowAP", kWpa2Aes, "", -60).join_ms = 5000;
    r.enter();
    EXPECT_TRUE(r.exchange(station::frame(kJoin, 1, join_payload("SlowAP", kWpa2Aes, "k", 30)))
                    .empty());
    EXPECT_EQ(r.request(kPing, 2).status(), 0);
    EXPECT_EQ(r.request(kIdentify, 3).status(), 0);
    for (std::uint8_t type : {kReboot, kFactoryReset, kScan, kRssi, kClear, kButton})
        EXPECT_EQ(r.request(type, 4).status(), code(tmode::Status::busy)) << int{type};
    EXPECT_EQ(r.request(kLed, 5, {1, 2, 3, 1}).status(), code(tmode::Status::busy));
    EXPECT_EQ(r.request(kJoin, 6, join_payload("SlowAP", kWpa2Aes, "k", 30)).status(),
              code(tmode::Status::busy));
    // The payload is checked first, whatever the state; unknown types stay unknown.
    EXPECT_EQ(r.request(kLed, 7, {1, 2, 3}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.request(kScan, 8, {0}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.request(0x33, 9).status(), code(tmode::Status::unknown_command));
    EXPECT_FALSE(r.b.control.reset_requested);
    r.run(5010);
    const auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].seq, 1);  // the first JOIN, answered
    EXPECT_EQ(got[0].status(), 0);
    EXPECT_EQ(r.request(kButton, 10).status(), 0);  // no longer busy
}

TEST(TestMode, WithoutWifiTheRadioCommandsAreUnsupported) {
    rig::Device r("electron");
    r.enter();
    EXPECT_EQ(r.request(kJoin, 1, join_payload("FactoryAP", kWpa2Aes, "k", 30)).payload,
              Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kScan, 2).payload, Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kRssi, 3).payload, Bytes{code(tmode::Status::unsupported)});
    EXPECT_EQ(r.request(kJoin, 4, {0}).payload, Bytes{code(tmode::Status::bad_payload)});
    EXPECT_EQ(r.request(kButton, 5).status(), 0);
}

TEST(TestMode, ScanListsAtMostTwentyNetworks) {
    rig::Device r("photon");
    r.radio.add("FactoryAP", kWpa2Aes, "", -48).ap.channel = 6;
    r.radio.add("Guest", core::wiced::kOpen, "", -71).ap.channel = 11;
    r.enter();
    const Reply two = r.request(kScan, 1);
    const Bytes expect{0,    2,                                                       // ok, 2
                       9,    'F', 'a', 'c', 't', 'o', 'r', 'y', 'A', 'P',            // ssid
                       0x04, 0x00, 0x40, 0x00, 6, 0xD0, 0xFF,                       // sec, ch, rssi
                       5,    'G', 'u', 'e', 's', 't', 0, 0, 0, 0, 11, 0xB9, 0xFF};
    EXPECT_EQ(two.payload, expect);
    for (int i = 0; i < 30; ++i) {
        char ssid[33];
        std::snprintf(ssid, sizeof ssid, "line-%02d-xxxxxxxxxxxxxxxxxxxxxxxx", i);
        r.radio.add(ssid, kWpa2Aes, "", -40);
    }
    const Reply many = r.request(kScan, 2);
    EXPECT_EQ(many.payload[1], 20);  // the first 20 of 32
    EXPECT_EQ(many.payload.size(), two.payload.size() + 18 * (1 + 32 + 4 + 1 + 2));
}

TEST(TestMode, TheLedShowsTestModeOrAHeldColour) {
    rig::Device r("photon");
    r.enter();
    r.run(50);
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
    EXPECT_EQ(r.request(kLed, 1, {0xFF, 0x00, 0x00, 1}).payload, Bytes{0});
    r.run(2000);
    EXPECT_EQ(r.ui.looks.back(), "TEST_LED ff0000 solid 0");
    const core::led::Pwm red = core::led::scale_color(0xFF0000, core::led::kDefaultBrightness);
    EXPECT_EQ(r.ui.drives.back(), std::to_string(red.r) + ",0,0");
    EXPECT_EQ(r.request(kLed, 2, {0x00, 0x80, 0xFF, 1}).status(), 0);  // the next LED replaces it
    r.run(30);
    EXPECT_EQ(r.ui.looks.back(), "TEST_LED 0080ff solid 0");
    EXPECT_EQ(r.request(kLed, 3, {0x00, 0x00, 0x00, 0}).status(), 0);  // given back
    r.run(30);
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
    EXPECT_EQ(r.request(kLed, 4, {1, 2, 3, 2}).status(), code(tmode::Status::bad_payload));
    EXPECT_EQ(r.ui.looks.back(), "TEST_MODE ffffff blink 1000");
}

TEST(TestMode, ButtonPressesAreCountedNotTakenAsGestures) {
    rig::Device r("photon");
    r.button.down();  // held as test mode begins: not a press
    r.run(20);
    r.enter();
    r.run(20);
    EXPECT_EQ(r.request(kButton, 1).payload, (Bytes{0, 1, 0, 0}));  // down, no presses
    r.button.up();
    r.run(20);
    r.ui.buttons.clear();
    ASSERT_TRUE(r.button.script(3, 100, 100));
    r.run(700);
    EXPECT_EQ(r.request(kButton, 2).payload, (Bytes{0, 0, 3, 0}));
    ASSERT_TRUE(r.button.script(1, 4000, 0));  // a hold that would start listening mode
    r.run(2000);
    EXPECT_EQ(r.request(kButton, 3).payload, (Bytes{0, 1, 4, 0}));
    r.run(2500);
    EXPECT_FALSE(r.d.listening());
    EXPECT_TRUE(r.ui.buttons.empty());  // no status, click or final reports
}

TEST(TestMode, ClearCredentialsClearsTheProfilesOnly) {
    rig::Device r("photon");
    const std::string ssid = "HomeNet", key = "longpassword", claim(63, 'c');
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    ASSERT_TRUE(r.d.config().set_claim_code(claim.data(), claim.size()));
    r.enter();
    EXPECT_EQ(r.request(kClear, 1).payload, Bytes{0});
    EXPECT_FALSE(r.d.config().has_wifi_credentials());
    char code_text[64];
    EXPECT_TRUE(r.d.config().claim_code(code_text));
    ASSERT_TRUE(r.d.config().add_wifi_profile(
        {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
    r.b.flash.budget = 0;  // the flash has lost its power
    EXPECT_EQ(r.request(kClear, 2).payload, Bytes{code(tmode::Status::storage_failed)});
}

namespace {

// A photon with everything FACTORY_RESET clears and everything it keeps.
struct Provisioned {
    rig::Device r{"photon"};
    char setup_ssid[33] = {};
    Bytes key_before;
    std::string ssid_fields;  // the SSID prefix and device code as stored

    Provisioned() {
        const std::string ssid = "HomeNet", key = "longpassword", claim(63, 'c');
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        const std::uint8_t claimed = '1';
        EXPECT_TRUE(store.write(dct::kAppSection + dct::app::kClaimed, &claimed, 1));
        EXPECT_TRUE(store.commit());
        r.d.boot(hal::BootMode::normal);  // reads the claimed flag back
        EXPECT_TRUE(r.d.config().add_wifi_profile(
            {ssid.data(), ssid.size(), kWpa2Aes, 6, key.data(), key.size()}, nullptr));
        EXPECT_TRUE(r.d.config().set_claim_code(claim.data(), claim.size()));
        EXPECT_TRUE(r.d.config().setup_ssid(0x1234, setup_ssid));
        key_before = private_key();
        ssid_fields = stored().ssid_fields;
        EXPECT_NE(key_before[0], 0xFF);  // made at boot
        EXPECT_TRUE(r.d.config().claimed());
    }
    // What the flash holds, read as the next boot would.
    Bytes private_key() {
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        const std::uint8_t* p = store.image() + dct::kAppSection + dct::app::kDevicePrivateKey;
        return Bytes(p, p + dct::app::kDevicePrivateKeySize);
    }
    struct Stored {
        bool wifi, claim_code, claimed;
        std::string ssid_fields;
    };
    Stored stored() {
        core::ConfigStore store(r.b.flash);
        EXPECT_TRUE(store.load());
        core::DeviceConfig config(store);
        char code_text[64];
        const char* app = reinterpret_cast<const char*>(store.image() + dct::kAppSection);
        return {config.has_wifi_credentials(), config.claim_code(code_text), config.claimed(),
                std::string(app + dct::app::kSsidPrefix, app + dct::app::kDeviceCode +
                                                             dct::app::kDeviceCodeSize)};
    }
};

}  // namespace

TEST(TestMode, FactoryResetClearsTheUnitAndResetsAfterTheReply) {
    Provisioned p;
    rig::Device& r = p.r;
    r.enter();
    EXPECT_EQ(r.request(kFactoryReset, 4).payload, Bytes{0});
    EXPECT_FALSE(r.b.control.reset_requested);  // the reply goes out first
    const Provisioned::Stored after = p.stored();
    EXPECT_FALSE(after.wifi);
    EXPECT_FALSE(after.claim_code);
    EXPECT_FALSE(after.claimed);
    EXPECT_EQ(after.ssid_fields, p.ssid_fields);  // kept
    EXPECT_EQ(p.ssid_fields.substr(1, 6), "Photon");
    EXPECT_EQ(std::string(p.setup_ssid).substr(0, 7), "Photon-");
    EXPECT_EQ(p.private_key(), p.key_before);
    r.run(core::TestMode::kResetDelayMs - 5);
    EXPECT_FALSE(r.b.control.reset_requested);
    r.run(5);
    EXPECT_TRUE(r.b.control.reset_requested);
    EXPECT_EQ(r.b.control.next, hal::BootMode::normal);
    r.b.control.reset_requested = false;
    r.run(100);
    EXPECT_FALSE(r.b.control.reset_requested);  // once
    r.d.boot(hal::BootMode::normal);
    r.run(50);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());  // no credentials left
}

TEST(TestMode, APowerCutDuringTheFactoryResetLeavesTheOldConfiguration) {
    // How many bytes a commit erases and programs, to cut the power at points across it.
    long long commit_bytes = 0;
    {
        Provisioned p;
        p.r.enter();
        p.r.b.flash.budget = 1LL << 40;
        ASSERT_EQ(p.r.request(kFactoryReset, 1).status(), 0);
        commit_bytes = (1LL << 40) - p.r.b.flash.budget;
        ASSERT_GT(commit_bytes, 16384);
    }
    for (long long cut : {0LL, 1LL, 16384LL, 20000LL, commit_bytes - 4, commit_bytes - 1}) {
        Provisioned p;
        rig::Device& r = p.r;
        r.enter();
        r.b.flash.budget = cut;
        EXPECT_EQ(r.request(kFactoryReset, 2).payload, Bytes{code(tmode::Status::storage_failed)})
            << cut;
        r.run(200);
        EXPECT_FALSE(r.b.control.reset_requested) << cut;  // the unit stays, still in test mode
        EXPECT_TRUE(r.d.test_mode());
        r.b.flash.budget = -1;  // power back
        const Provisioned::Stored kept = p.stored();
        EXPECT_TRUE(kept.wifi) << cut;
        EXPECT_TRUE(kept.claim_code) << cut;
        EXPECT_TRUE(kept.claimed) << cut;
        EXPECT_EQ(kept.ssid_fields, p.ssid_fields) << cut;
        EXPECT_EQ(p.private_key(), p.key_before) << cut;
    }
}

TEST(TestMode, RebootResetsOnceTheReplyIsOut) {
    rig::Device r("photon");
    r.enter();
    Bytes both = station::frame(kReboot, 8);
    const Bytes ping = station::frame(kPing, 9);
    both.insert(both.end(), ping.begin(), ping.end());
    const auto got = r.exchange(both);
    ASSERT_EQ(got.size(), 1u);  // what came after the REBOOT is lost with the reset
    EXPECT_EQ(got[0].type, 0x82);
    EXPECT_EQ(got[0].payload, Bytes{0});
    EXPECT_FALSE(r.b.control.reset_requested);
    EXPECT_LE(r.d.ms_until_tick(), core::TestMode::kResetDelayMs);
    r.run(core::TestMode::kResetDelayMs);
    EXPECT_TRUE(r.b.control.reset_requested);
    EXPECT_TRUE(logged(r.b.log, "test: REBOOT: ok"));
}

TEST(TestMode, FrameErrorsAreAnswered) {
    rig::Device r("photon");
    r.enter();
    r.send({0xFA, 0xCE, 0x01, 0x00, 0x07});
    r.run(240);
    EXPECT_TRUE(r.replies().empty());
    r.run(15);
    auto got = r.replies();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].seq, 7);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::truncated)});

    // 257 bytes of payload: over the request limit; the header is dropped, the rest is noise.
    got = r.exchange(station::frame(kPing, 9, Bytes(257, 0x20)));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xFF);
    EXPECT_EQ(got[0].seq, 9);
    EXPECT_EQ(got[0].payload, Bytes{code(tmode::Status::bad_length)});
    EXPECT_EQ(r.request(kPing, 10).status(), 0);
    EXPECT_TRUE(logged(r.b.log, "test: frame error: bad_length"));
}

// ---- the boards: the pads are the console ------------------------------------------------

TEST(TestMode, SharedPadsTheConsoleWorksUntilThePreamble) {
    rig::Device r("photon", rig::Pads::shared);  // listening: no credentials
    r.run(20);
    r.b.console.send("v");
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "system firmware version: 2.3.1+harken.0.1.0\n\r\n");
    const auto got = r.exchange(station::preamble());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, 0xC0);
    EXPECT_TRUE(r.d.test_mode());
    EXPECT_FALSE(r.d.listening());
    r.b.console.send("v");  // no longer the console's
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "");
    EXPECT_EQ(r.request(kPing, 1).status(), 0);
}

TEST(TestMode, SharedPadsOutsideListeningMode) {
    rig::Device r("photon", rig::Pads::shared);
    r.radio.add("HomeNet", kWpa2Aes, "", -40);
    const std::string ssid = "HomeNet";
    ASSERT_TRUE(r.d.config().add_wifi_profile({ssid.data(), ssid.size(), kWpa2Aes, 6, "", 0},
                                              nullptr));
    r.d.boot(hal::BootMode::normal);
    r.run(300);
    ASSERT_FALSE(r.d.listening());
    r.b.console.send("i");  // the application's serial: read and dropped
    r.run(10);
    EXPECT_EQ(r.b.console.take(), "");
    r.enter();
    EXPECT_EQ(r.request(kPing, 1).status(), 0);
}

// harken's own image holds the preamble: YMODEM reads the port itself, so a transfer over the
// shared console cannot open the gate.
TEST(TestMode, SharedPadsAYmodemTransferDoesNotOpenTheGate) {
    rig::Device r("photon", rig::Pads::shared);
    r.run(20);
    r.b.console.send("f");
    r.run(10);
    const Bytes pre = station::preamble();
    std::string packet = fake::ymodem::header("image.bin", 300);
    packet.replace(3 + 16, pre.size(), std::string(pre.begin(), pre.end()));  // in the padding
    r.b.console.send(packet);
    r.run(3000);
    EXPECT_FALSE(r.d.test_mode());
    EXPECT_TRUE(r.d.listening());
    r.b.console.take();
    r.enter();  // the gate still works
}

TEST(TestMode, SimulatedRadioReportsTheJoinedNetworksRssi) {
    fake::Clock clock;
    rig::SimRadio radio(clock);
    radio.add("Lab", kWpa2Aes, "pw", -61);
    std::int16_t dbm = 0;
    EXPECT_FALSE(radio.link_rssi(&dbm));
    const std::string key = "pw";
    radio.join({"Lab", 3, kWpa2Aes, reinterpret_cast<const std::uint8_t*>(key.data()), 2});
    EXPECT_FALSE(radio.link_rssi(&dbm));  // still joining
    clock.now += core::kSimulatedJoinMs;
    ASSERT_TRUE(radio.link_rssi(&dbm));
    EXPECT_EQ(dbm, -61);
    radio.networks[0].ap.rssi = -75;
    ASSERT_TRUE(radio.link_rssi(&dbm));
    EXPECT_EQ(dbm, -75);
    radio.networks.clear();  // the network went away
    EXPECT_FALSE(radio.link_rssi(&dbm));
    radio.add("Lab", kWpa2Aes, "pw", -61);
    radio.leave();
    EXPECT_FALSE(radio.link_rssi(&dbm));
}
