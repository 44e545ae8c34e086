// Replays protocol/qemu-bridge/vectors.json against the core's bridge frame codec: every
// golden frame encodes to its bytes and decodes to its fields; every stream, fed byte by
// byte and all at once, yields the recorded frames, counters and pending bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/bridge_frame.hpp"
#include "vector_file.hpp"

using golden::from_hex;
using nlohmann::json;

namespace {

struct Decoded {
    int type, connection;
    std::vector<std::uint8_t> payload;
};

class Collect final : public core::BridgeFrameSink {
public:
    std::vector<Decoded> frames;
    void on_frame(const core::BridgeFrame& f) override {
        frames.push_back({f.type, f.connection, {f.payload, f.payload + f.length}});
    }
};

const json& vectors() {
    static const json v = golden::load("protocol/qemu-bridge/vectors.json");
    return v;
}

void expect_stream(const json& s, const std::vector<std::uint8_t>& input, bool bytewise) {
    core::BridgeFrameDecoder decoder;
    Collect sink;
    if (bytewise) {
        for (std::uint8_t b : input) decoder.feed(b, sink);
    } else {
        decoder.feed(input.data(), input.size(), sink);
    }
    const json& want = s["frames"];
    ASSERT_EQ(sink.frames.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(sink.frames[i].type, want[i]["type"].get<int>());
        EXPECT_EQ(sink.frames[i].connection, want[i]["connection"].get<int>());
        EXPECT_EQ(sink.frames[i].payload, from_hex(want[i]["payload_hex"].get<std::string>()));
    }
    const auto& c = decoder.counters();
    EXPECT_EQ(c.frames, want.size());
    EXPECT_EQ(c.bad_crc, s["counters"]["bad_crc"].get<std::uint32_t>());
    EXPECT_EQ(c.oversize, s["counters"]["oversize"].get<std::uint32_t>());
    EXPECT_EQ(c.skipped, s["counters"]["skipped"].get<std::uint32_t>());
    EXPECT_EQ(decoder.pending(), s["pending"].get<std::size_t>());
}

}  // namespace

TEST(BridgeFrameVectors, EveryGoldenFrameEncodesAndDecodes) {
    ASSERT_GE(vectors()["frames"].size(), 11u);
    for (const auto& f : vectors()["frames"]) {
        SCOPED_TRACE(f["name"].get<std::string>());
        const auto bytes = from_hex(f["hex"].get<std::string>());
        const auto payload = from_hex(f["payload_hex"].get<std::string>());
        std::uint8_t out[core::bridge::kMaxFrame];
        const std::size_t n = core::encode_bridge_frame(
            f["type"].get<std::uint8_t>(), f["connection"].get<std::uint8_t>(), payload.data(),
            payload.size(), out, sizeof out);
        EXPECT_EQ(std::vector<std::uint8_t>(out, out + n), bytes);

        core::BridgeFrameDecoder decoder;
        Collect sink;
        decoder.feed(bytes.data(), bytes.size(), sink);
        ASSERT_EQ(sink.frames.size(), 1u);
        EXPECT_EQ(sink.frames[0].type, f["type"].get<int>());
        EXPECT_EQ(sink.frames[0].connection, f["connection"].get<int>());
        EXPECT_EQ(sink.frames[0].payload.size(), f["length"].get<std::size_t>());
        EXPECT_EQ(sink.frames[0].payload, payload);
    }
}

TEST(BridgeFrameVectors, EveryStreamDecodesAsRecorded) {
    ASSERT_GE(vectors()["streams"].size(), 10u);
    for (const auto& s : vectors()["streams"]) {
        SCOPED_TRACE(s["name"].get<std::string>());
        const auto input = from_hex(s["input_hex"].get<std::string>());
        expect_stream(s, input, true);
        expect_stream(s, input, false);
    }
}

TEST(BridgeFrame, EncoderRefusesOversizeAndShortBuffers) {
    std::uint8_t payload[core::bridge::kMaxPayload + 1] = {};
    std::uint8_t out[core::bridge::kMaxFrame + 1];
    EXPECT_EQ(core::encode_bridge_frame(0x82, 1, payload, sizeof payload, out, sizeof out), 0u);
    EXPECT_EQ(core::encode_bridge_frame(0x82, 1, payload, 10, out, 18), 0u);
    EXPECT_EQ(core::encode_bridge_frame(0x82, 1, payload, 10, out, 19), 19u);
}

TEST(BridgeFrame, DecoderNeverHoldsMoreThanOneFrame) {
    // A stream of start bytes claiming the largest payload: the decoder's buffer stays
    // bounded and every candidate is eventually dropped.
    core::BridgeFrameDecoder decoder;
    Collect sink;
    const std::uint8_t header[] = {0xA5, 0x02, 0x01, 0x00, 0x02};
    for (int round = 0; round < 5; ++round) {
        decoder.feed(header, sizeof header, sink);
        for (std::size_t i = 0; i < core::bridge::kMaxFrame; ++i) decoder.feed(0x00, sink);
        EXPECT_LE(decoder.pending(), core::bridge::kMaxFrame);
    }
    EXPECT_TRUE(sink.frames.empty());
    EXPECT_EQ(decoder.counters().bad_crc, 5u);
}
