// The bench's golden lines (protocol/fixture/vectors.json), also replayed by the Python tests:
// every event is written exactly as recorded, and every BTN/RESET line is carried out or
// refused as recorded.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/bench_button.hpp"
#include "core/bench_lines.hpp"
#include "fake_board.hpp"
#include "vector_file.hpp"

namespace {

const char* const kVectors = "protocol/fixture/vectors.json";

class Text final : public hal::ConsolePort {
public:
    std::string out;
    std::size_t available() override { return 0; }
    int read() override { return -1; }
    void write(const std::uint8_t* data, std::size_t len) override {
        out.append(reinterpret_cast<const char*>(data), len);
    }
};

core::led::Pattern pattern(const std::string& name) {
    if (name == "blink") return core::led::Pattern::blink;
    if (name == "breathe") return core::led::Pattern::breathe;
    return core::led::Pattern::solid;
}

}  // namespace

TEST(FixtureVectors, EveryEventIsWrittenAsRecorded) {
    const auto vectors = golden::load(kVectors);
    ASSERT_FALSE(vectors["events"].empty());
    for (const auto& v : vectors["events"]) {
        fake::Clock clock;
        clock.now = v["ms"].get<std::uint32_t>();
        Text port;
        core::bench::EventLines lines(clock, port);
        const std::string kind = v["kind"];
        if (kind == "led") {
            lines.drive(v["r"].get<std::uint16_t>(), v["g"].get<std::uint16_t>(),
                        v["b"].get<std::uint16_t>());
        } else if (kind == "look") {
            const std::string name = v["name"];
            const core::led::Look look{
                static_cast<std::uint32_t>(std::stoul(v["rgb"].get<std::string>(), nullptr, 16)),
                pattern(v["pattern"]), v["period"].get<std::uint16_t>()};
            lines.showing(name.c_str(), look);
        } else if (kind == "button") {
            const std::string event = v["event"];
            lines.button(event.c_str(), v["value"].get<std::uint32_t>());
        } else {
            const std::string name = v["name"];
            lines.mode(name.c_str());
        }
        EXPECT_EQ(port.out, v["line"].get<std::string>() + "\n");
    }
}

TEST(FixtureVectors, EveryCommandIsCarriedOutOrRefusedAsRecorded) {
    const auto vectors = golden::load(kVectors);
    ASSERT_FALSE(vectors["commands"].empty());
    for (const auto& v : vectors["commands"]) {
        const std::string line = v["line"];
        const std::size_t space = line.find(' ');
        const std::string name = line.substr(0, space);
        const std::string args = space == std::string::npos ? "" : line.substr(space + 1);
        fake::Clock clock;
        core::BenchButton button(clock);
        std::uint32_t hold = 0;
        const char* error = name == "BTN" ? core::bench::button_command(args.c_str(), button)
                                          : core::bench::reset_command(args.c_str(), &hold);
        EXPECT_EQ(error == nullptr, v["ok"].get<bool>()) << line;
        if (error) {
            EXPECT_STREQ(error, "bad argument") << line;
        }
    }
}
