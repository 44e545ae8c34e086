// The SoftAP servers against clients that do not play fair: one that never stops sending,
// one that stops reading, ones that hold the body buffers by trickling, and a host that asks
// to connect again while a success is still being reported.
#include <gtest/gtest.h>

#include "fake_board.hpp"
#include "fake_setup_listener.hpp"

namespace {

using hal::SetupService;

// The in-memory listener, with a client that stops reading once `room` bytes are queued.
class TightListener final : public hal::SetupListener {
public:
    fake::SetupListener inner;
    std::size_t room = static_cast<std::size_t>(-1);

    bool start() override { return inner.start(); }
    void stop() override { inner.stop(); }
    int accept(SetupService* service) override { return inner.accept(service); }
    long receive(int id, std::uint8_t* buf, std::size_t max) override {
        ++receives[id];
        return inner.receive(id, buf, max);
    }
    bool send(int id, const std::uint8_t* data, std::size_t len) override {
        if (inner.connections[static_cast<std::size_t>(id)].outbound.size() + len > room)
            return false;
        return inner.send(id, data, len);
    }
    void close(int id) override { inner.close(id); }
    int receives[16] = {};
};

struct Rig {
    fake::Board board{"photon"};
    TightListener listener;
    std::unique_ptr<core::Device> device;

    Rig() {
        board.radio.add("Guest", core::wiced::kOpen, 11);
        board.radio.add("Corp", core::wiced::kWpa2 | core::wiced::kEnterprise | core::wiced::kAes);
        board.setup_ap = &listener;
        device = std::make_unique<core::Device>(board.hal());
        device->boot(hal::BootMode::normal);
    }
    void steps(int n = 5) {
        for (int i = 0; i < n; ++i) device->step();
    }
    int connect(SetupService service, const std::string& bytes) {
        return listener.inner.connect(service, bytes);
    }
    fake::SetupListener::Connection& conn(int id) {
        return listener.inner.connections[static_cast<std::size_t>(id)];
    }
};

std::string tcp(const std::string& name, const std::string& body = "") {
    return name + "\n" + std::to_string(body.size()) + "\n\n" + body;
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

// A client that keeps pipelining requests must not keep the loop (console, other clients,
// timers) to itself: one pass reads a bounded amount from each connection.
TEST(SoftApHostile, AClientThatNeverStopsSendingDoesNotHoldUpThePass) {
    Rig rig;
    const std::string flood = repeat("GET /version HTTP/1.1\r\n\r\n", 4000);  // 100 KB
    const int flooder = rig.connect(SetupService::http, flood);
    const int other = rig.connect(SetupService::simple, tcp("version"));
    rig.steps(1);
    EXPECT_EQ(rig.conn(other).outbound, "\n\n{\"v\":2}");
    EXPECT_GT(rig.conn(flooder).inbound.size(), flood.size() / 2);  // most is still unread
    EXPECT_LE(rig.listener.receives[flooder], 32);
}

// The listener's contract: a send that fails means the connection is beyond saving. Carrying
// on would leave a keep-alive client a stream with a reply missing from its middle.
TEST(SoftApHostile, AReplyThatCannotBeQueuedClosesTheConnection) {
    Rig rig;
    rig.listener.room = 400;  // the first reply fits, the second does not
    const int id = rig.connect(SetupService::http, repeat("GET /device-id HTTP/1.1\r\n\r\n", 3));
    rig.steps();
    EXPECT_TRUE(rig.conn(id).closed);
    const std::string& out = rig.conn(id).outbound;
    EXPECT_EQ(out.find("HTTP/1.1", 1), std::string::npos) << out;  // one whole reply only
    EXPECT_EQ(out.substr(out.size() - 5), "0\r\n\r\n");
}

// Two clients that declare bodies and send a byte now and then must not keep the body
// buffers (and with them configure-ap and set) from everyone else for ever.
TEST(SoftApHostile, TricklingClientsCannotHoldTheBodyBuffers) {
    Rig rig;
    int tricklers[core::SoftApServer::kBodyBuffers];
    for (int& id : tricklers) id = rig.connect(SetupService::simple, "set\n8000\n\n{");
    rig.steps();
    const int waiting = rig.connect(SetupService::simple, tcp("set", "{\"k\":\"cc\",\"v\":\"abc\"}"));
    for (int second = 0; second < 60 && rig.conn(waiting).outbound.empty(); ++second) {
        rig.board.clock.now += 1000;
        if (second % 9 == 8)
            for (int id : tricklers) rig.conn(id).inbound += " ";
        rig.steps();
    }
    EXPECT_EQ(rig.conn(waiting).outbound, "\n\n{\"r\":0}");
    for (int id : tricklers)
        EXPECT_EQ(rig.conn(id).outbound, "\n\n{\"r\":-408,\"error\":\"timeout\"}");
}

// A second connect-ap supersedes a success still being reported: the AP stays up until the
// new attempt's outcome is known (protocol/softap.md §8).
TEST(SoftApHostile, ASecondConnectApKeepsTheApUpForItsOwnOutcome) {
    Rig rig;
    rig.connect(SetupService::simple, tcp("configure-ap", "{\"idx\":0,\"ssid\":\"Guest\",\"sec\":0}"));
    rig.connect(SetupService::simple, tcp("connect-ap"));
    rig.steps();
    rig.board.clock.now += core::Device::kReportWindowMs / 2;
    rig.board.radio.join_result = hal::JoinProgress::joining;  // the next join takes a while
    rig.connect(SetupService::simple, tcp("connect-ap"));
    rig.steps();
    rig.board.clock.now += core::Device::kReportWindowMs / 2;
    rig.steps();
    EXPECT_TRUE(rig.device->listening());
    const int status = rig.connect(SetupService::simple, tcp("connect-status"));
    rig.steps();
    EXPECT_EQ(rig.conn(status).outbound,
              "\n\n{\"r\":0,\"attempt\":2,\"state\":\"joining\",\"ssid\":\"Guest\"}");
}

// Device OS refuses PEAP identities over 64 bytes as invalid enterprise material (r 1), not
// as a failed write (softap-protocol.md §5.4).
TEST(SoftApHostile, AnOverlongPeapIdentityIsInvalidEnterpriseMaterial) {
    Rig rig;
    const std::string body = "{\"ssid\":\"Corp\",\"sec\":37748740,\"eap\":25,\"ii\":\"" +
                             std::string(65, 'u') + "\",\"pwd\":\"x\"}";
    const int id = rig.connect(SetupService::simple, tcp("configure-ap", body));
    rig.steps();
    EXPECT_EQ(rig.conn(id).outbound, "\n\n{\"r\":1}");
}

// A header dribbled a byte at a time, each well inside the idle timeout, still has to be
// whole within kRequestMs: six such clients would otherwise shut everyone out for hours.
TEST(SoftApHostile, ARequestDribbledInTooSlowlyTimesOut) {
    Rig rig;
    std::vector<int> dribblers;
    for (std::size_t i = 0; i < core::SoftApServer::kConnections; ++i)
        dribblers.push_back(rig.connect(SetupService::http, "G"));
    const int waiting = rig.connect(SetupService::simple, tcp("version"));
    rig.steps();
    for (std::uint32_t t = 0; t < core::SoftApServer::kRequestMs; t += 5000) {
        rig.board.clock.now += 5000;
        for (int id : dribblers) rig.conn(id).inbound += "E";
        rig.steps();
    }
    rig.steps();
    for (int id : dribblers) {
        EXPECT_TRUE(rig.conn(id).closed);
        EXPECT_NE(rig.conn(id).outbound.find("408 Request Timeout"), std::string::npos);
    }
    EXPECT_EQ(rig.conn(waiting).outbound, "\n\n{\"v\":2}");
}
