// Replays protocol/serial-console/vectors.json against the core: every exchange must
// produce exactly the recorded bytes, and the stored configuration must match.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/le_bytes.hpp"
#include "fake_board.hpp"
#include "vector_file.hpp"

using nlohmann::json;

using golden::from_hex;

namespace {

json load_vectors() { return golden::load("protocol/serial-console/vectors.json"); }

void set_identity(fake::Board& b, const json& id) {
    const auto device = from_hex(id["device_id"].get<std::string>());
    std::memcpy(b.identity.device_id, device.data(), 12);
    std::string mac = id.value("mac", "00:00:00:00:00:00");
    mac.erase(std::remove(mac.begin(), mac.end(), ':'), mac.end());
    const auto m = from_hex(mac);
    std::memcpy(b.identity.mac, m.data(), 6);
    auto text = [&](const char* key, char* dst, std::size_t size) {
        std::snprintf(dst, size, "%s", id.value(key, "").c_str());
    };
    text("serial_number", b.identity.serial_number, sizeof b.identity.serial_number);
    text("imei", b.identity.imei, sizeof b.identity.imei);
    text("iccid", b.identity.iccid, sizeof b.identity.iccid);
    text("cell_radio_version", b.identity.cell_radio_version,
         sizeof b.identity.cell_radio_version);
}

std::string bytes_at(const std::uint8_t* p, std::size_t n) {
    return std::string(reinterpret_cast<const char*>(p), n);
}

void check_stored(const core::ConfigStore& store, const json& stored) {
    const std::uint8_t* app = store.image() + dct::kAppSection;
    const std::uint8_t* wifi = store.image() + dct::kWifiSection;
    if (stored.contains("claim_code")) {
        const std::uint8_t first = app[dct::app::kClaimCode];
        if (stored["claim_code"].is_null()) {
            EXPECT_TRUE(first == 0xFF || first == 0x00);
        } else {
            EXPECT_EQ(bytes_at(app + dct::app::kClaimCode, 63),
                      stored["claim_code"].get<std::string>());
        }
    }
    if (stored.contains("claimed")) {
        EXPECT_EQ(app[dct::app::kClaimed] == '1', stored["claimed"].get<bool>());
    }
    if (stored.contains("wifi")) {
        const auto& list = stored["wifi"];
        for (std::size_t i = 0; i < dct::wifi::kApSlots; ++i) {
            const std::uint8_t* e = wifi + dct::wifi::kApList + i * dct::wifi::kApEntrySize;
            if (i >= list.size()) {
                EXPECT_TRUE(e[0] == 0 || e[0] == 0xFF) << "slot " << i << " should be empty";
                continue;
            }
            const auto& want = list[i];
            EXPECT_EQ(bytes_at(e + 1, e[0]), want["ssid"].get<std::string>());
            EXPECT_EQ(core::le32(e + dct::wifi::kEntrySecurity),
                      std::stoul(want["security"].get<std::string>(), nullptr, 16));
            EXPECT_EQ(bytes_at(e + dct::wifi::kEntryKey, e[dct::wifi::kEntryKeyLen]),
                      want["key"].get<std::string>());
        }
    }
    if (stored.contains("eap")) {
        const auto& eap = stored["eap"];
        const std::uint8_t* c = app + dct::app::kEapConfig;
        EXPECT_EQ(c[dct::eap::kType], eap["type"].get<int>());
        EXPECT_EQ(bytes_at(c + dct::eap::kInnerIdentity, c[dct::eap::kInnerIdentityLen]),
                  eap["inner_identity"].get<std::string>());
        EXPECT_EQ(bytes_at(c + dct::eap::kOuterIdentity, c[dct::eap::kOuterIdentityLen]),
                  eap["outer_identity"].get<std::string>());
        EXPECT_EQ(bytes_at(c + dct::eap::kSecurityKey, c[dct::eap::kSecurityKeyLen]),
                  eap["password"].get<std::string>());
        const auto ca = from_hex(eap["ca_der_hex"].get<std::string>());
        EXPECT_EQ(core::le16(c + dct::eap::kCaCertificateLen), ca.size());
        EXPECT_EQ(bytes_at(c + dct::eap::kCaCertificate, ca.size()),
                  std::string(ca.begin(), ca.end()));
    }
    auto check_der = [&](const char* key, std::size_t offset) {
        if (!stored.contains(key)) return;
        const auto der = from_hex(stored[key].get<std::string>());
        EXPECT_EQ(bytes_at(store.image() + offset, der.size()), std::string(der.begin(), der.end()));
        EXPECT_EQ(store.image()[offset + der.size()], 0) << key << " is zero padded";
    };
    check_der("client_certificate_hex", dct::kSecurityCertificate);
    check_der("client_key_hex", dct::kSecurityPrivateKey);
}

}  // namespace

TEST(ConsoleVectors, EveryCaseReplaysByteForByte) {
    const json vectors = load_vectors();
    ASSERT_GT(vectors["cases"].size(), 20u);
    for (const auto& c : vectors["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json& id = vectors["identities"][c["identity"].get<std::string>()];
        fake::Board board(id["platform"].get<std::string>().c_str());
        set_identity(board, id);
        for (const auto& n : vectors["networks"])
            board.radio.add(n["ssid"].get<std::string>().c_str(),
                            std::stoul(n["security"].get<std::string>(), nullptr, 16),
                            n["channel"].get<std::uint8_t>());
        core::Device device(board.hal());
        device.boot(hal::BootMode::normal);
        device.start_listening(core::ListenReason::host_request);  // every case starts here
        for (const auto& ex : c["exchanges"]) {
            board.console.send(ex["send"].get<std::string>());
            device.step();
            EXPECT_EQ(board.console.take(), ex["expect"].get<std::string>())
                << "after sending " << json(ex["send"]).dump();
        }
        if (c.contains("stored")) {
            core::ConfigStore reloaded(board.flash);  // what survives a reboot
            ASSERT_TRUE(reloaded.load());
            check_stored(reloaded, c["stored"]);
        }
    }
}
