// The SoftAP servers' connection handling on fakes and virtual time: clients at once, slow
// and silent clients, half-closed connections, bodies waiting for a buffer, keep-alive, and
// connect-ap joining while the AP stays up.
#include <gtest/gtest.h>

#include "fake_board.hpp"
#include "fake_setup_listener.hpp"

namespace {

using hal::SetupService;

struct Rig {
    fake::Board board{"photon"};
    fake::SetupListener listener;
    std::unique_ptr<core::Device> device;

    Rig() {
        board.radio.add("HomeNet", core::wiced::kWpa2 | core::wiced::kAes);
        board.radio.add("Guest", core::wiced::kOpen, 11);
        board.setup_ap = &listener;
        device = std::make_unique<core::Device>(board.hal());
        device->boot(hal::BootMode::normal);
    }
    void steps(int n = 5) {
        for (int i = 0; i < n; ++i) device->step();
    }
    const fake::SetupListener::Connection& conn(int id) {
        return listener.connections[static_cast<std::size_t>(id)];
    }
};

std::string tcp(const std::string& name, const std::string& body = "") {
    return name + "\n" + std::to_string(body.size()) + "\n\n" + body;
}

}  // namespace

TEST(SoftApServer, ClientsAtOnceAreServedIndependently) {
    Rig rig;
    const int slow = rig.listener.connect(SetupService::simple, "set\n20\n\n{\"k\":");  // stalls
    const int a = rig.listener.connect(SetupService::simple, tcp("version"));
    const int b = rig.listener.connect(SetupService::http, "GET /version HTTP/1.1\r\n\r\n");
    rig.steps();
    EXPECT_EQ(rig.conn(a).outbound, "\n\n{\"v\":2}");
    EXPECT_TRUE(rig.conn(a).closed);
    EXPECT_NE(rig.conn(b).outbound.find("{\"v\":2}"), std::string::npos);
    EXPECT_FALSE(rig.conn(b).closed);  // HTTP/1.1 keeps the connection
    EXPECT_FALSE(rig.conn(slow).closed);
}

TEST(SoftApServer, ARequestTricklingInByteByByteIsAnswered) {
    Rig rig;
    const std::string request = tcp("set", "{\"k\":\"cc\",\"v\":\"abc\"}");
    const int id = rig.listener.connect(SetupService::simple, "");
    for (char c : request) {
        rig.listener.connections[static_cast<std::size_t>(id)].inbound += c;
        rig.steps(1);
    }
    rig.steps();
    EXPECT_EQ(rig.conn(id).outbound, "\n\n{\"r\":0}");
}

TEST(SoftApServer, AShortBodyFromAHalfClosedClientIsRefusedNotAwaited) {
    Rig rig;
    const int id = rig.listener.connect(SetupService::simple, "set\n50\n\n{\"k\"", true);
    rig.steps();
    EXPECT_EQ(rig.conn(id).outbound, "\n\n{\"r\":-400,\"error\":\"incomplete request\"}");
    EXPECT_TRUE(rig.conn(id).closed);
}

TEST(SoftApServer, AHalfClosedClientWithACompleteRequestStillGetsItsReply) {
    Rig rig;
    const int id = rig.listener.connect(SetupService::simple, tcp("version"), true);
    rig.steps();
    EXPECT_EQ(rig.conn(id).outbound, "\n\n{\"v\":2}");
}

TEST(SoftApServer, ASilentClientTimesOutAndOthersCarryOn) {
    Rig rig;
    const int silent = rig.listener.connect(SetupService::simple, "");
    const int stalled = rig.listener.connect(SetupService::simple, "set\n9\n\n{");
    rig.steps();
    rig.board.clock.now += core::SoftApServer::kIdleMs;
    rig.steps();
    EXPECT_TRUE(rig.conn(silent).closed);
    EXPECT_EQ(rig.conn(silent).outbound, "");  // nothing was asked
    EXPECT_EQ(rig.conn(stalled).outbound, "\n\n{\"r\":-408,\"error\":\"timeout\"}");
    const int next = rig.listener.connect(SetupService::simple, tcp("version"));
    rig.steps();
    EXPECT_EQ(rig.conn(next).outbound, "\n\n{\"v\":2}");
}

TEST(SoftApServer, BodiesWaitForABufferWithoutBlockingOtherCommands) {
    Rig rig;
    int stalled[core::SoftApServer::kBodyBuffers];
    for (int& id : stalled) id = rig.listener.connect(SetupService::simple, "set\n9\n\n{");
    const int waiting = rig.listener.connect(SetupService::simple,
                                             tcp("set", "{\"k\":\"cc\",\"v\":\"abc\"}"));
    const int plain = rig.listener.connect(SetupService::simple, tcp("device-id"));
    rig.steps();
    EXPECT_EQ(rig.conn(waiting).outbound, "");  // no buffer free yet
    EXPECT_NE(rig.conn(plain).outbound.find("\"c\":\"0\""), std::string::npos);
    rig.listener.connections[static_cast<std::size_t>(stalled[0])].inbound = "}";
    rig.listener.connections[static_cast<std::size_t>(stalled[0])].peer_finished = true;
    rig.steps();
    EXPECT_EQ(rig.conn(waiting).outbound, "\n\n{\"r\":0}");
}

TEST(SoftApServer, ConnectionsBeyondThePoolWaitTheirTurn) {
    Rig rig;
    std::vector<int> ids;
    for (std::size_t i = 0; i < core::SoftApServer::kConnections + 3; ++i)
        ids.push_back(rig.listener.connect(SetupService::http, ""));  // idle keep-alives
    rig.steps();
    EXPECT_FALSE(rig.conn(ids.back()).accepted);
    rig.board.clock.now += core::SoftApServer::kIdleMs;
    rig.steps();
    EXPECT_TRUE(rig.conn(ids.back()).accepted);
}

TEST(SoftApServer, KeepAliveServesPipelinedRequestsInOrder) {
    Rig rig;
    const int id = rig.listener.connect(
        SetupService::http,
        "GET /version HTTP/1.1\r\n\r\nPOST /set HTTP/1.1\r\nContent-Length: 20\r\n\r\n"
        "{\"k\":\"cc\",\"v\":\"abc\"}GET /connect-status HTTP/1.1\r\nConnection: close\r\n\r\n");
    rig.steps();
    const std::string& out = rig.conn(id).outbound;
    const auto v = out.find("{\"v\":2}"), r = out.find("{\"r\":0}"), s = out.find("\"idle\"");
    ASSERT_NE(v, std::string::npos);
    ASSERT_NE(r, std::string::npos);
    ASSERT_NE(s, std::string::npos);
    EXPECT_LT(v, r);
    EXPECT_LT(r, s);
    EXPECT_TRUE(rig.conn(id).closed);
}

TEST(SoftApServer, ExpectContinueGetsTheGoAheadBeforeTheBody) {
    Rig rig;
    const int id = rig.listener.connect(
        SetupService::http, "POST /set HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 20\r\n\r\n");
    rig.steps();
    EXPECT_EQ(rig.conn(id).outbound, "HTTP/1.1 100 Continue\r\n\r\n");
    rig.listener.connections[static_cast<std::size_t>(id)].inbound = "{\"k\":\"cc\",\"v\":\"abc\"}";
    rig.steps();
    EXPECT_NE(rig.conn(id).outbound.find("{\"r\":0}"), std::string::npos);
}

TEST(SoftApServer, LongHeaderLinesAreSkippedNotFatal) {
    Rig rig;
    const int id = rig.listener.connect(SetupService::http,
                                        "GET /version HTTP/1.1\r\nCookie: " +
                                            std::string(2000, 'c') + "\r\nConnection: close\r\n\r\n");
    rig.steps();
    EXPECT_NE(rig.conn(id).outbound.find("{\"v\":2}"), std::string::npos);
    EXPECT_TRUE(rig.conn(id).closed);
}

// harken joins while the AP is up, latches the outcome, and leaves listening mode only after
// a success (soon after the host has read it).
TEST(SoftApServer, ConnectApJoinsWithTheApUpAndLeavesAfterSuccessIsRead) {
    Rig rig;
    rig.listener.connect(SetupService::simple,
                         tcp("configure-ap", "{\"idx\":0,\"ssid\":\"Guest\",\"sec\":0,\"ch\":11}"));
    rig.steps();
    rig.board.radio.join_result = hal::JoinProgress::wrong_password;
    const int connect = rig.listener.connect(SetupService::simple, tcp("connect-ap", "{\"idx\":0}"));
    rig.steps();
    EXPECT_EQ(rig.conn(connect).outbound, "\n\n{\"r\":0}");
    EXPECT_TRUE(rig.device->listening());
    const int failed = rig.listener.connect(SetupService::simple, tcp("connect-status"));
    rig.steps();
    EXPECT_EQ(rig.conn(failed).outbound,
              "\n\n{\"r\":0,\"attempt\":1,\"state\":\"failed\",\"ssid\":\"Guest\","
              "\"reason\":\"wrong-password\"}");
    EXPECT_TRUE(rig.device->listening());  // a failure keeps the AP

    rig.board.radio.join_result = hal::JoinProgress::joined;
    rig.listener.connect(SetupService::simple, tcp("connect-ap"));
    rig.steps();
    const int joined = rig.listener.connect(SetupService::simple, tcp("connect-status"));
    rig.steps();
    EXPECT_EQ(rig.conn(joined).outbound,
              "\n\n{\"r\":0,\"attempt\":2,\"state\":\"connected\",\"ssid\":\"Guest\"}");
    EXPECT_TRUE(rig.device->listening());
    rig.board.clock.now += core::Device::kReportedLingerMs;
    rig.steps();
    EXPECT_FALSE(rig.device->listening());
    EXPECT_FALSE(rig.listener.up);
    EXPECT_EQ(rig.board.radio.joins.size(), 2u);  // leaving does not join again
}

TEST(SoftApServer, UnreadSuccessLeavesAfterTheReportWindow) {
    Rig rig;
    rig.listener.connect(SetupService::simple,
                         tcp("configure-ap", "{\"idx\":0,\"ssid\":\"Guest\",\"sec\":0}"));
    rig.listener.connect(SetupService::simple, tcp("connect-ap"));
    rig.steps();
    rig.board.clock.now += core::Device::kReportWindowMs - 1;
    rig.steps();
    EXPECT_TRUE(rig.device->listening());
    rig.board.clock.now += 1;
    rig.steps();
    EXPECT_FALSE(rig.device->listening());
}

TEST(SoftApServer, TheSetupSsidIsGeneratedOnceAndPersisted) {
    Rig rig;
    const std::string ssid = rig.device->setup_ssid();
    ASSERT_EQ(ssid.size(), std::string("Photon-").size() + 6);
    EXPECT_EQ(ssid.rfind("Photon-", 0), 0u);
    for (char c : ssid.substr(7)) EXPECT_NE(std::string("23456789ABCDEFGHJKLMNPQRSTUVWXYZ").find(c), std::string::npos);
    // WICED's soft-AP record carries the same SSID, open, on channel 11, marked valid.
    core::ConfigStore store(rig.board.flash);
    ASSERT_TRUE(store.load());
    const std::uint8_t* ap = store.image() + dct::kWifiSection + dct::wifi::kSoftApSettings;
    EXPECT_EQ(ap[dct::wifi::kSoftApSsidLen], ssid.size());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(ap + dct::wifi::kSoftApSsid), ssid.size()),
              ssid);
    EXPECT_EQ(ap[dct::wifi::kSoftApChannel], 11);
    EXPECT_EQ(ap[dct::wifi::kSoftApValid], 1);
    rig.board.entropy.state += 12345;  // a different draw would give a different code
    core::Device again(rig.board.hal());
    again.boot(hal::BootMode::normal);
    EXPECT_EQ(std::string(again.setup_ssid()), ssid);
}
