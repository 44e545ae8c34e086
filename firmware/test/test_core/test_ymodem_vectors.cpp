// Replays protocol/ymodem/vectors.json against the receiver: every step's device bytes
// exactly, then the sink's calls, what it was given, and how the session ended.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_ymodem.hpp"
#include "vector_file.hpp"

using nlohmann::json;

namespace {

std::string hex_bytes(const json& j) {
    const auto v = golden::from_hex(j.get<std::string>());
    return std::string(v.begin(), v.end());
}

void replay(const json& c) {
    fake::YmodemRig rig;
    const json& sink = c["sink"];
    rig.sink.accept = sink["begin"].get<bool>();
    rig.sink.fail_write_at =
        sink["fail_write_at"].is_null() ? -1 : sink["fail_write_at"].get<long long>();
    rig.sink.finish_result = sink["finish"].get<int>();

    const std::string entry = c["entry"].get<std::string>();
    bool started = false;
    std::size_t n = 0;
    for (const auto& s : c["steps"]) {
        rig.now += s["advance_ms"].get<std::uint32_t>();
        std::string host = hex_bytes(s["host"]);
        if (!started) {
            // The console's part: it reads the `f`, or only peeks at the SOH/STX.
            if (entry == "f") {
                ASSERT_FALSE(host.empty());
                ASSERT_EQ(host[0], 'f');
                host.erase(0, 1);
            } else {
                ASSERT_EQ(entry, "peek");
                ASSERT_TRUE(!host.empty() && (host[0] == '\x01' || host[0] == '\x02'));
            }
            rig.rx.start(rig.now, entry == "f");
            started = true;
        }
        rig.port.send(host);
        rig.rx.poll(rig.now);
        EXPECT_EQ(rig.port.take(), hex_bytes(s["device"])) << "step " << n;
        ++n;
    }

    const json& expect = c["expect"];
    EXPECT_EQ(rig.sink.calls, expect["calls"].get<std::vector<std::string>>());
    EXPECT_EQ(rig.sink.staged, hex_bytes(expect["staged"]));
    EXPECT_EQ(rig.actions.restarts, expect["restarted"].get<bool>() ? 1 : 0);
    EXPECT_EQ(rig.rx.active(), expect["active"].get<bool>());
}

}  // namespace

TEST(YmodemVectors, EveryCase) {
    const json vectors = golden::load("protocol/ymodem/vectors.json");
    ASSERT_GE(vectors["cases"].size(), 7u);
    for (const auto& c : vectors["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        replay(c);
    }
}
