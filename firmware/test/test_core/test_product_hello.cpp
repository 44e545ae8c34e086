// The HELLO builder against protocol/product-id/vectors.json, which the Python model
// (tests/test_product_hello.py) replays too.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/product_hello.hpp"
#include "vector_file.hpp"

namespace {

const char* const kVectors = "protocol/product-id/vectors.json";

}  // namespace

TEST(ProductHello, EveryVectorIsBuiltByteForByte) {
    const auto vectors = golden::load(kVectors);
    ASSERT_GE(vectors["cases"].size(), 4u);
    for (const auto& v : vectors["cases"]) {
        const std::string name = v["name"];
        const bool udp = v["transport"] == "udp";
        const core::HelloFields fields{
            v["message_id"].get<std::uint16_t>(), v["product_id"].get<std::uint16_t>(),
            v["product_version"].get<std::uint16_t>(), v["flags"].get<std::uint16_t>(),
            v["platform_id"].get<std::uint16_t>()};
        std::vector<std::uint8_t> device_id;
        if (udp) device_id = golden::from_hex(v["device_id"].get<std::string>());
        ASSERT_EQ(device_id.size(), udp ? core::hello::kDeviceIdSize : 0u) << name;
        const core::HelloMessage m = core::build_hello(
            fields, udp ? core::hello::Transport::udp : core::hello::Transport::tcp,
            udp ? device_id.data() : nullptr);
        EXPECT_EQ(std::vector<std::uint8_t>(m.bytes, m.bytes + m.size),
                  golden::from_hex(v["hex"].get<std::string>()))
            << name;
    }
}

TEST(ProductHello, FlagSetsOfTheTwoDeviceOsGenerations) {
    EXPECT_EQ(core::hello::kDeviceOs15Flags, 0x06);
    EXPECT_EQ(core::hello::kDeviceOs2Flags, 0x36);
    EXPECT_EQ(core::hello::kTcpSize, 15u);
    EXPECT_EQ(core::hello::kUdpSize, 29u);
}
