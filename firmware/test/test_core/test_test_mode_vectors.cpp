// Replays protocol/test-mode/vectors.json: every frame encoded and decoded, every request
// payload parsed (and the bad ones answered bad_payload by a device), every reply payload
// encoded from its fields, and every stream read by a frame reader and answered by a device
// in test mode.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/test_mode_payload.hpp"
#include "test_mode_rig.hpp"
#include "vector_file.hpp"

using nlohmann::json;
using station::Bytes;
namespace tmode = core::test_mode;

namespace {

const json& vectors() {
    static const json doc = golden::load("protocol/test-mode/vectors.json");
    return doc;
}

std::string hex(const Bytes& b) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t c : b) out += {digits[c >> 4], digits[c & 0xF]};
    return out;
}

Bytes bytes_of(const json& hex_text) { return golden::from_hex(hex_text.get<std::string>()); }

int status_code(const std::string& name) { return vectors()["statuses"][name].get<int>(); }

// A reader's events as the vectors write them (text events are the host's; the device
// reader skips text).
class Events final : public tmode::FrameSink {
public:
    json list = json::array();
    void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* p,
               std::size_t len) override {
        list.push_back({{"frame", {{"type", type}, {"seq", seq},
                                   {"payload_hex", hex(Bytes(p, p + len))}}}});
    }
    void frame_error(tmode::Status status, std::uint8_t seq) override {
        list.push_back({{"error", tmode::status_name(status)}, {"seq", seq}});
    }
};

// The reply payload the device writes for a vector's fields.
Bytes encode_reply(int type, const json& f) {
    std::uint8_t out[tmode::kMaxReplyPayload];
    tmode::PayloadWriter w(out, sizeof out);
    const int status = f["status"].get<int>();
    w.u8(static_cast<std::uint8_t>(status));
    if (status == 0) {
        switch (type) {
            case 0x80: tmode::write_ping(w); break;
            case 0xC0: tmode::write_hello(w, bytes_of(f["device_id"]).data()); break;
            case 0x81: {
                const Bytes id = bytes_of(f["device_id"]), sha = bytes_of(f["image_sha256"]),
                            mac = bytes_of(f["mac"]);
                const std::string version = f["system_version"], imei = f["imei"],
                                  iccid = f["iccid"], serial = f["serial_number"];
                tmode::write_identify(
                    w, {id.data(), f["platform_id"], f["product_id"], f["product_version"],
                        f["module_function"], f["module_index"], f["module_version"],
                        version.c_str(), sha.data(), mac.data(), imei.c_str(), iccid.c_str(),
                        serial.c_str()});
                break;
            }
            case 0x84: tmode::write_join(w, f["rssi"].get<std::int16_t>()); break;
            case 0x85: {
                std::vector<hal::AccessPoint> aps;
                for (const json& n : f["networks"]) {
                    hal::AccessPoint ap{};
                    const std::string ssid = n["ssid"];
                    std::memcpy(ap.ssid, ssid.data(), ssid.size());
                    ap.ssid_len = static_cast<std::uint8_t>(ssid.size());
                    ap.security = n["security"];
                    ap.channel = n["channel"];
                    ap.rssi = n["rssi"];
                    aps.push_back(ap);
                }
                tmode::write_scan(w, aps.data(), aps.size());
                break;
            }
            case 0x86: {
                const std::string ssid = f["ssid"];
                tmode::write_rssi(w, f["rssi"].get<std::int16_t>(), ssid.data(), ssid.size());
                break;
            }
            case 0x89: tmode::write_button(w, f["pressed"].get<int>() != 0, f["presses"]); break;
            default: break;  // status only
        }
    }
    EXPECT_TRUE(w.ok());
    return Bytes(out, out + w.size());
}

}  // namespace

TEST(TestModeVectors, FramesEncodeAndDecode) {
    ASSERT_GE(vectors()["frames"].size(), 5u);
    static tmode::BufferedFrameReader<tmode::kMaxPayload> reader;
    for (const json& f : vectors()["frames"]) {
        const std::string name = f["name"];
        const Bytes payload = bytes_of(f["payload_hex"]);
        const Bytes frame = station::frame(f["type"], f["seq"], payload);
        EXPECT_EQ(hex(frame), f["hex"].get<std::string>()) << name;
        Events events;
        reader.clear();
        for (std::uint8_t b : bytes_of(f["hex"])) reader.push(b, 0, events);
        const json expect = json::array({{{"frame", {{"type", f["type"]}, {"seq", f["seq"]},
                                                     {"payload_hex", f["payload_hex"]}}}}});
        EXPECT_EQ(events.list, expect) << name;
    }
}

TEST(TestModeVectors, RequestPayloadsParse) {
    int parsed = 0, refused = 0;
    for (const json& p : vectors()["payloads"]) {
        if (p["kind"] != "request") continue;
        const std::string name = p["name"];
        const Bytes payload = bytes_of(p["payload_hex"]);
        const int type = p["type"];
        const json& f = p["fields"];
        bool ok = payload.empty();
        if (type == 4) {
            tmode::JoinFields join{};
            ok = tmode::parse_join(payload.data(), payload.size(), &join);
            if (ok && !f.is_null()) {
                ++parsed;
                EXPECT_EQ(std::string(join.ssid, join.ssid_len), f["ssid"].get<std::string>())
                    << name;
                EXPECT_EQ(join.ssid[join.ssid_len], '\0') << name;
                EXPECT_EQ(join.security, f["security"].get<std::uint32_t>()) << name;
                EXPECT_EQ(std::string(join.key, join.key + join.key_len),
                          f["key"].get<std::string>())
                    << name;
                EXPECT_EQ(join.timeout_s, f["timeout_s"].get<int>()) << name;
            }
        } else if (type == 8) {
            tmode::LedFields led{};
            ok = tmode::parse_led(payload.data(), payload.size(), &led);
            if (ok && !f.is_null()) {
                ++parsed;
                const std::uint32_t rgb = f["r"].get<std::uint32_t>() << 16 |
                                          f["g"].get<std::uint32_t>() << 8 |
                                          f["b"].get<std::uint32_t>();
                EXPECT_EQ(led.rgb, rgb) << name;
                EXPECT_EQ(led.hold, f["hold"].get<int>() == 1) << name;
            }
        }
        EXPECT_EQ(ok, !f.is_null()) << name;
        if (f.is_null()) {
            ++refused;
            EXPECT_EQ(p["expect_status"], "bad_payload") << name;
        }
    }
    EXPECT_GE(parsed, 4);
    EXPECT_GE(refused, 10);
}

TEST(TestModeVectors, BadRequestPayloadsAreAnsweredBadPayload) {
    rig::Device r("photon");
    r.enter();
    std::uint8_t seq = 100;
    for (const json& p : vectors()["payloads"]) {
        if (p["kind"] != "request" || !p["fields"].is_null()) continue;
        const station::Reply reply = r.request(p["type"], ++seq, bytes_of(p["payload_hex"]));
        EXPECT_EQ(reply.type, p["type"].get<int>() | 0x80) << p["name"];
        EXPECT_EQ(reply.seq, seq) << p["name"];
        EXPECT_EQ(reply.status(), status_code("bad_payload")) << p["name"];
        EXPECT_EQ(reply.payload.size(), 1u) << p["name"];
    }
    EXPECT_FALSE(r.b.control.reset_requested);
}

TEST(TestModeVectors, ReplyPayloadsEncode) {
    int n = 0;
    for (const json& p : vectors()["payloads"]) {
        if (p["kind"] != "reply") continue;
        ++n;
        EXPECT_EQ(hex(encode_reply(p["type"], p["fields"])), p["payload_hex"].get<std::string>())
            << p["name"];
    }
    EXPECT_GE(n, 20);
}

TEST(TestModeVectors, StreamsReadAsTheVectorsSay) {
    ASSERT_GE(vectors()["streams"].size(), 15u);
    static tmode::BufferedFrameReader<tmode::kMaxRequestPayload> reader;
    for (const json& s : vectors()["streams"]) {
        Events events;
        reader.clear();
        for (std::uint8_t b : bytes_of(s["input_hex"])) reader.push(b, 0, events);
        json expect = json::array();
        for (const json& e : s["reads"])
            if (!e.contains("text")) expect.push_back(e);
        EXPECT_EQ(events.list, expect) << s["name"];
        std::uint32_t deadline = 0;
        EXPECT_FALSE(reader.waiting(&deadline)) << s["name"] << ": a frame left half read";
    }
}

// The replies in the vectors do not depend on the device's state, so one device per
// platform answers every stream in turn.
TEST(TestModeVectors, StreamsAreAnsweredByADeviceInTestMode) {
    for (const char* platform : {"photon", "electron"}) {
        rig::Device r(platform);
        r.enter();
        for (const json& s : vectors()["streams"]) {
            const auto got = r.exchange(bytes_of(s["input_hex"]));
            const std::string name = std::string(platform) + ": " + s["name"].get<std::string>();
            ASSERT_EQ(got.size(), s["replies"].size()) << name;
            for (std::size_t i = 0; i < got.size(); ++i) {
                const json& e = s["replies"][i];
                EXPECT_EQ(got[i].type, e["type"].get<int>()) << name;
                EXPECT_EQ(got[i].seq, e["seq"].get<int>()) << name;
                EXPECT_EQ(got[i].status(), status_code(e["status"])) << name;
            }
        }
    }
}
