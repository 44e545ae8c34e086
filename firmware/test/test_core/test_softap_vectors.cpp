// Replays protocol/softap/vectors.json against the core: every request, over the transport
// it names, must produce exactly the recorded reply, and the stored configuration must end
// up as recorded.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fake_board.hpp"
#include "fake_setup_listener.hpp"
#include "vector_file.hpp"

using nlohmann::json;

using golden::from_hex;

namespace {

// The vectors' strings carry one byte per character (U+0000..U+00FF); JSON gives UTF-8.
std::string bytes_of(const std::string& utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(((c & 0x1F) << 6) | (utf8[++i] & 0x3F));
        }
    }
    return out;
}

struct SoftApDevice {
    fake::Board board{"photon"};
    fake::SetupListener listener;

    explicit SoftApDevice(const json& vectors, const json& crypto) {
        const auto id = from_hex(vectors["device"]["device_id"].get<std::string>());
        std::memcpy(board.identity.device_id, id.data(), 12);
        for (const auto& n : vectors["networks"]) {
            board.radio.add(n["ssid"].get<std::string>().c_str(),
                            static_cast<std::uint32_t>(
                                std::stoul(n["security"].get<std::string>(), nullptr, 16)),
                            static_cast<std::uint8_t>(n["channel"].get<int>()));
            board.radio.networks.back().rssi = static_cast<std::int16_t>(n["rssi"].get<int>());
            board.radio.networks.back().max_rate_kbps = n["mdr"].get<std::uint32_t>();
        }
        // The DCT holds the spec's test key before the first boot.
        core::ConfigStore store(board.flash);
        store.load();
        const auto key = from_hex(crypto["private_key_der"].get<std::string>());
        store.write(dct::kAppSection + dct::app::kDevicePrivateKey, key.data(), key.size());
        store.commit();
        board.setup_ap = &listener;
    }

    std::string exchange(core::Device& d, hal::SetupService service, const std::string& request) {
        const int id = listener.connect(service, request);
        for (int i = 0; i < 50 && !listener.connections[static_cast<std::size_t>(id)].closed; ++i)
            d.step();
        EXPECT_TRUE(listener.connections[static_cast<std::size_t>(id)].closed);
        return listener.connections[static_cast<std::size_t>(id)].outbound;
    }
};

}  // namespace

TEST(SoftApVectors, EveryExchangeAndTheStoredResult) {
    const json vectors = golden::load("protocol/softap/vectors.json");
    const json crypto = golden::load("protocol/softap/crypto-vectors.json");
    SoftApDevice dev(vectors, crypto);
    core::Device d(dev.board.hal());
    d.boot(hal::BootMode::normal);
    ASSERT_TRUE(d.listening());
    ASSERT_TRUE(dev.listener.up);

    for (const auto& c : vectors["cases"]) {
        const auto service = c["transport"] == "http" ? hal::SetupService::http
                                                      : hal::SetupService::simple;
        EXPECT_EQ(dev.exchange(d, service, bytes_of(c["request"].get<std::string>())),
                  bytes_of(c["reply"].get<std::string>()))
            << c["name"].get<std::string>();
    }

    const json& stored = vectors["stored_after"];
    char code[core::DeviceConfig::kClaimCodeLen + 1];
    ASSERT_TRUE(d.config().claim_code(code));
    EXPECT_EQ(std::string(code), stored["claim_code"].get<std::string>());
    std::size_t slot = 0;
    for (const auto& w : stored["wifi"]) {
        core::StoredProfile p;
        ASSERT_TRUE(d.config().wifi_profile(slot++, &p));
        EXPECT_EQ(std::string(p.ssid, p.ssid_len), w["ssid"].get<std::string>());
        EXPECT_EQ(p.security, w["security"].get<std::uint32_t>());
        EXPECT_EQ(p.channel, w["channel"].get<int>());
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.key), p.key_len),
                  w["key"].get<std::string>());
    }
    core::StoredProfile none;
    EXPECT_FALSE(d.config().wifi_profile(slot, &none));
}
