// The simulated radio shared by the native device and the QEMU image: the fixture channel's
// `NET ADD` arguments, and how joins end (delay, password, WEP as typed, gone, timeout).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/simulated_radio.hpp"
#include "core/wifi_security.hpp"
#include "fake_board.hpp"

namespace {

constexpr std::uint32_t kWpa2Aes = core::wiced::kWpa2 | core::wiced::kAes;

std::string hex(const std::string& text) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

core::SimulatedNetwork parsed(const std::string& args) {
    core::SimulatedNetwork n;
    EXPECT_TRUE(core::parse_network_args(args.c_str(), &n)) << args;
    return n;
}

class TableRadio final : public core::SimulatedRadio {
public:
    explicit TableRadio(hal::Clock& clock) : core::SimulatedRadio(clock) {}
    std::vector<core::SimulatedNetwork> networks;

    std::size_t scan(hal::AccessPoint* out, std::size_t max) override {
        std::size_t n = 0;
        for (; n < networks.size() && n < max; ++n) out[n] = networks[n].ap;
        return n;
    }

protected:
    bool find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const override {
        bool found = false;
        for (const auto& n : networks) {
            if (n.ap.ssid_len != len || std::memcmp(n.ap.ssid, ssid, len) != 0) continue;
            *out = n;
            found = true;
        }
        return found;
    }
};

hal::JoinRequest request(const char* ssid, const std::string& key, std::uint32_t security) {
    return hal::JoinRequest{ssid, std::strlen(ssid), security,
                            reinterpret_cast<const std::uint8_t*>(key.data()), key.size()};
}

}  // namespace

TEST(NetAddArgs, ParsesEveryField) {
    const core::SimulatedNetwork n =
        parsed(hex("Home Net") + " 00400004 6 -48 " + hex("pass phrase") + " 150 ok");
    EXPECT_EQ(std::string(n.ap.ssid, n.ap.ssid_len), "Home Net");
    EXPECT_EQ(n.ap.ssid[n.ap.ssid_len], '\0');
    EXPECT_EQ(n.ap.security, kWpa2Aes);
    EXPECT_EQ(n.ap.channel, 6);
    EXPECT_EQ(n.ap.rssi, -48);
    EXPECT_EQ(n.ap.max_rate_kbps, core::kSimulatedMaxRateKbps);
    EXPECT_STREQ(n.password, "pass phrase");
    EXPECT_EQ(n.join_ms, 150u);
    EXPECT_EQ(n.behaviour, core::NetworkBehaviour::ok);
}

TEST(NetAddArgs, DashIsNoPasswordAndLimitsHold) {
    core::SimulatedNetwork n = parsed(hex(std::string(32, 'x')) + " FFFFFFFF 255 -128 - 0 gone");
    EXPECT_EQ(n.ap.ssid_len, 32);
    EXPECT_EQ(n.ap.security, 0xFFFFFFFFu);
    EXPECT_EQ(n.ap.channel, 255);
    EXPECT_EQ(n.ap.rssi, -128);
    EXPECT_STREQ(n.password, "");
    EXPECT_EQ(n.join_ms, 0u);
    EXPECT_EQ(n.behaviour, core::NetworkBehaviour::gone);
    n = parsed(hex("a") + " 0 0 0 " + hex(std::string(64, 'p')) + " 4294967295 timeout");
    EXPECT_EQ(std::strlen(n.password), 64u);
    EXPECT_EQ(n.join_ms, 4294967295u);
    EXPECT_EQ(n.behaviour, core::NetworkBehaviour::timeout);
}

TEST(NetAddArgs, RefusesWhatIsOutOfRange) {
    const std::string ok_tail = " 6 -48 - 200 ok";
    const std::vector<std::string> bad = {
        "",
        hex("Net"),
        hex("Net") + " 4" + ok_tail + " extra",
        hex("Net") + " 4" + ok_tail + " ",
        hex("Net") + "  4" + ok_tail,
        " 4" + ok_tail,                                 // empty SSID
        hex(std::string(33, 'x')) + " 4" + ok_tail,     // 33 bytes
        "4e6" + std::string(" 4") + ok_tail,            // odd hex
        "4e6g" + std::string(" 4") + ok_tail,           // not hex
        hex("Net") + " 100000000" + ok_tail,            // 33-bit security
        hex("Net") + " 000000004" + ok_tail,            // nine digits
        hex("Net") + " 4 256 -48 - 200 ok",
        hex("Net") + " 4 6 -129 - 200 ok",
        hex("Net") + " 4 6 48 - 200 ok",                // positive rssi
        hex("Net") + " 4 6 - - 200 ok",
        hex("Net") + " 4 6 -48 " + hex(std::string(65, 'p')) + " 200 ok",
        hex("Net") + " 4 6 -48 " + hex(std::string("a\0b", 3)) + " 200 ok",  // NUL inside
        hex("Net") + " 4 6 -48 - 4294967296 ok",
        hex("Net") + " 4 6 -48 - -1 ok",
        hex("Net") + " 4 6 -48 - 200 flaky",
        hex("Net") + " 4 6 -48 - 200 OK",
    };
    for (const std::string& args : bad) {
        core::SimulatedNetwork n;
        EXPECT_FALSE(core::parse_network_args(args.c_str(), &n)) << args;
    }
}

TEST(SimulatedRadio, JoinTakesTheDelayThenChecksThePassword) {
    fake::Clock clock;
    TableRadio radio(clock);
    radio.networks.push_back(parsed(hex("Home") + " 00400004 6 -48 " + hex("right") + " 150 ok"));
    radio.join(request("Home", "wrong", kWpa2Aes));
    clock.now += 149;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::joining);
    clock.now += 1;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::wrong_password);
    radio.join(request("Home", "right", kWpa2Aes));
    clock.now += 150;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::joined);
    radio.leave();
    EXPECT_EQ(radio.progress(), hal::JoinProgress::idle);
}

TEST(SimulatedRadio, AbsentGoneAndTimeout) {
    fake::Clock clock;
    clock.now = 0xFFFFFF00u;  // across the counter's wrap
    TableRadio radio(clock);
    radio.join(request("Nowhere", "x", kWpa2Aes));
    clock.now += core::kSimulatedAbsentJoinMs - 1;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::joining);
    clock.now += 1;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::network_not_found);

    radio.networks.push_back(parsed(hex("Flaky") + " 4 1 -50 - 10 gone"));
    radio.networks.push_back(parsed(hex("Dead") + " 4 1 -50 - 10 timeout"));
    radio.join(request("Flaky", "", kWpa2Aes));
    clock.now += 10;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::network_not_found);
    radio.join(request("Dead", "", kWpa2Aes));
    clock.now += 10;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::timed_out);

    // a network that vanishes while the join runs is not found when it completes
    radio.networks.push_back(parsed(hex("Brief") + " 4 1 -50 - 10 ok"));
    radio.join(request("Brief", "anything", kWpa2Aes));
    radio.networks.pop_back();
    clock.now += 10;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::network_not_found);
}

TEST(SimulatedRadio, NoPasswordTakesAnyCredentialAndTheLastEntryWins) {
    fake::Clock clock;
    TableRadio radio(clock);
    radio.networks.push_back(parsed(hex("Net") + " 4 1 -50 " + hex("first") + " 200 ok"));
    radio.networks.push_back(parsed(hex("Net") + " 4 1 -50 - 20 ok"));
    radio.join(request("Net", "whatever", kWpa2Aes));
    clock.now += 20;
    EXPECT_EQ(radio.progress(), hal::JoinProgress::joined);
    hal::AccessPoint found[4];
    EXPECT_EQ(radio.scan(found, 4), 2u);
}

TEST(SimulatedRadio, WepKeysMatchAsTypedInHexOrAscii) {
    const core::SimulatedNetwork hex_key = parsed(hex("W") + " 1 1 -50 " + hex("0123456789") +
                                                  " 200 ok");
    const core::SimulatedNetwork ascii_key = parsed(hex("W") + " 1 1 -50 " + hex("abcde") +
                                                    " 200 ok");
    const std::uint8_t decoded[] = {0x01, 0x23, 0x45, 0x67, 0x89};
    const std::uint8_t other[] = {0x01, 0x23, 0x45, 0x67, 0x88};
    EXPECT_EQ(core::simulated_join_outcome(&hex_key, decoded, 5), hal::JoinProgress::joined);
    EXPECT_EQ(core::simulated_join_outcome(&hex_key, other, 5),
              hal::JoinProgress::wrong_password);
    EXPECT_EQ(core::simulated_join_outcome(&ascii_key,
                                           reinterpret_cast<const std::uint8_t*>("abcde"), 5),
              hal::JoinProgress::joined);
    const core::SimulatedNetwork open = parsed(hex("O") + " 0 1 -50 " + hex("ignored") +
                                               " 200 ok");
    EXPECT_EQ(core::simulated_join_outcome(&open, nullptr, 0), hal::JoinProgress::joined);
    EXPECT_EQ(core::simulated_join_outcome(nullptr, nullptr, 0),
              hal::JoinProgress::network_not_found);
}
