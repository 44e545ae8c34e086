// The device end of the QEMU network bridge (core::BridgeLink) against a scripted host:
// greetings, the AP state, credit, half-close and reset, refusal, and long replies.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/bridge_link.hpp"
#include "core/le_bytes.hpp"
#include "fake_board.hpp"

namespace {

struct Frame {
    int type, connection;
    std::string payload;
};

class Collect final : public core::BridgeFrameSink {
public:
    std::vector<Frame> frames;
    void on_frame(const core::BridgeFrame& f) override {
        frames.push_back({f.type, f.connection,
                          std::string(reinterpret_cast<const char*>(f.payload), f.length)});
    }
};

class NullLog final : public hal::EventLog {
public:
    void event(const char*, const char*) override {}
};

class Host {
public:
    fake::Console wire;  // rx: host -> device; tx: device -> host
    NullLog log;
    core::BridgeLink link{wire, log};
    core::BridgeFrameDecoder decoder;

    void send(std::uint8_t type, std::uint8_t connection, const std::string& payload = "") {
        std::uint8_t out[core::bridge::kMaxFrame];
        const std::size_t n = core::encode_bridge_frame(
            type, connection, reinterpret_cast<const std::uint8_t*>(payload.data()),
            payload.size(), out, sizeof out);
        wire.rx.insert(wire.rx.end(), out, out + n);
        link.poll();
    }
    std::vector<Frame> take() {
        Collect sink;
        const std::string bytes = wire.take();
        decoder.feed(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), sink);
        return sink.frames;
    }
    static int credit(const Frame& f) {
        return core::le16(reinterpret_cast<const std::uint8_t*>(f.payload.data()));
    }
};

using core::BridgeLink;
using namespace core::bridge;

}  // namespace

TEST(BridgeLink, GreetsAtBootAndAnswersTheHostsHelloWithTheApState) {
    Host h;
    h.link.begin();
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kDeviceHello);
    EXPECT_EQ(f[0].payload, "harken-bridge 1");
    h.link.start();
    h.send(kHostHello, 0, "harken-bridge 1");
    f = h.take();
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0].type, kAp);
    EXPECT_EQ(f[0].payload, std::string(1, '\1'));
    EXPECT_EQ(f[1].type, kDeviceHello);
    EXPECT_EQ(f[2].type, kAp);
    h.link.stop();
    f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].payload, std::string(1, '\0'));
}

TEST(BridgeLink, CarriesARequestAndItsReply) {
    Host h;
    h.link.start();
    h.take();
    h.send(kOpen, 7, std::string(1, '\0'));
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kCredit);
    EXPECT_EQ(f[0].connection, 7);
    EXPECT_EQ(Host::credit(f[0]), 512);

    hal::SetupService service = hal::SetupService::http;
    const int c = h.link.accept(&service);
    ASSERT_GE(c, 0);
    EXPECT_EQ(service, hal::SetupService::simple);
    EXPECT_EQ(h.link.accept(&service), -1);

    std::uint8_t buf[600];
    EXPECT_EQ(h.link.receive(c, buf, sizeof buf), 0);
    h.send(kHostData, 7, "version\n0\n\n");
    h.send(kFin, 7);
    EXPECT_EQ(h.link.receive(c, buf, sizeof buf), 11);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 11), "version\n0\n\n");
    EXPECT_EQ(h.link.receive(c, buf, sizeof buf), hal::SetupListener::kPeerFinished);
    EXPECT_TRUE(h.take().empty());  // 11 bytes read: not worth a CREDIT yet

    const std::string reply(1300, 'r');
    EXPECT_TRUE(h.link.send(c, reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()));
    h.link.close(c);
    f = h.take();
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[0].payload.size(), 512u);
    EXPECT_EQ(f[1].payload.size(), 512u);
    EXPECT_EQ(f[2].payload.size(), 276u);
    EXPECT_EQ(f[0].payload + f[1].payload + f[2].payload, reply);
    EXPECT_EQ(f[3].type, kClose);
    EXPECT_EQ(f[3].connection, 7);
    EXPECT_EQ(h.link.protocol_errors(), 0u);
}

TEST(BridgeLink, GrantsCreditAsTheInboxDrainsAndDropsBytesBeyondIt) {
    Host h;
    h.link.start();
    h.send(kOpen, 1, std::string(1, '\1'));
    h.take();
    hal::SetupService service;
    const int c = h.link.accept(&service);
    EXPECT_EQ(service, hal::SetupService::http);
    h.send(kHostData, 1, std::string(512, 'a'));
    std::uint8_t buf[512];
    EXPECT_EQ(h.link.receive(c, buf, 200), 200);
    EXPECT_TRUE(h.take().empty());  // 200 free: below half the inbox
    EXPECT_EQ(h.link.receive(c, buf, 100), 100);
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(Host::credit(f[0]), 300);
    h.send(kHostData, 1, std::string(310, 'b'));  // 10 bytes over the credit
    EXPECT_EQ(h.link.protocol_errors(), 1u);
    std::size_t total = 0;
    long n;
    while ((n = h.link.receive(c, buf, sizeof buf)) > 0) total += static_cast<std::size_t>(n);
    EXPECT_EQ(total, 212u + 300u);
}

TEST(BridgeLink, AnswersAResetWithClose) {
    Host h;
    h.link.start();
    h.send(kOpen, 3, std::string(1, '\0'));
    h.send(kOpen, 4, std::string(1, '\0'));
    h.take();
    hal::SetupService service;
    const int c = h.link.accept(&service);  // connection 3 goes to the server; 4 waits
    h.send(kReset, 4);  // not accepted yet: closed at once
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kClose);
    EXPECT_EQ(f[0].connection, 4);
    EXPECT_EQ(h.link.accept(&service), -1);
    h.send(kReset, 3);  // the server learns it from receive() and closes
    EXPECT_TRUE(h.take().empty());
    std::uint8_t buf[8];
    EXPECT_EQ(h.link.receive(c, buf, sizeof buf), hal::SetupListener::kBroken);
    EXPECT_FALSE(h.link.send(c, buf, 1));
    h.link.close(c);
    f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kClose);
    EXPECT_EQ(f[0].connection, 3);
    h.send(kReset, 3);  // crossed the CLOSE: ignored
    EXPECT_TRUE(h.take().empty());
    EXPECT_EQ(h.link.protocol_errors(), 0u);
}

TEST(BridgeLink, RefusesWhenTheApIsDownOrEverySlotIsTaken) {
    Host h;
    h.send(kOpen, 9, std::string(1, '\0'));
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kRefused);
    EXPECT_EQ(f[0].connection, 9);
    h.link.start();
    h.take();
    for (std::size_t i = 1; i <= BridgeLink::kConnections; ++i)
        h.send(kOpen, static_cast<std::uint8_t>(i), std::string(1, '\0'));
    EXPECT_EQ(h.take().size(), BridgeLink::kConnections);  // a CREDIT each
    h.send(kOpen, 200, std::string(1, '\0'));
    f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kRefused);
    EXPECT_EQ(f[0].connection, 200);
    h.send(kOpen, 201, std::string(1, '\7'));  // no such service
    f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kRefused);
}

TEST(BridgeLink, ARestartedHostIsToldOfNoOldConnection) {
    Host h;
    h.link.start();
    h.send(kOpen, 5, std::string(1, '\0'));
    h.send(kOpen, 6, std::string(1, '\0'));
    hal::SetupService service;
    const int held = h.link.accept(&service);
    h.take();
    h.send(kHostHello, 0, "harken-bridge 1");
    h.take();
    std::uint8_t buf[8];
    EXPECT_EQ(h.link.receive(held, buf, sizeof buf), hal::SetupListener::kBroken);
    h.link.close(held);  // nothing to tell the new host
    EXPECT_TRUE(h.take().empty());
    EXPECT_EQ(h.link.accept(&service), -1);  // the waiting one is gone too
    h.send(kOpen, 5, std::string(1, '\0'));  // the number is free again
    auto f = h.take();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].type, kCredit);
    EXPECT_EQ(h.link.protocol_errors(), 0u);
}
