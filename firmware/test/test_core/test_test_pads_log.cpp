// The event log on the test pads (protocol/test-mode.md, "Log text and frames on one line"):
// each event reaches the inner log untouched and the pads as one `[category] message\r\n`
// write, with every byte that is not printable ASCII shown as '?'.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/test_pads_log.hpp"
#include "fake_board.hpp"

using core::TestPadsLog;

namespace {

// Each write() as one string: a log line must be written whole.
class Pads final : public hal::ConsolePort {
public:
    std::vector<std::string> writes;
    std::size_t available() override { return 0; }
    int read() override { return -1; }
    void write(const std::uint8_t* data, std::size_t len) override {
        writes.emplace_back(reinterpret_cast<const char*>(data), len);
    }
};

}  // namespace

TEST(TestPadsLog, WritesEachEventAsOneLineAndForwardsIt) {
    fake::Log inner;
    Pads pads;
    TestPadsLog log(inner, pads);
    log.event("system", "booted");
    log.event("listening", "entered: host request");
    ASSERT_EQ(pads.writes.size(), 2u);
    EXPECT_EQ(pads.writes[0], "[system] booted\r\n");
    EXPECT_EQ(pads.writes[1], "[listening] entered: host request\r\n");
    EXPECT_EQ(inner.events, (std::vector<std::string>{"system: booted",
                                                      "listening: entered: host request"}));
}

TEST(TestPadsLog, ShowsEveryByteThatIsNotPrintableAsciiAsQuestionMark) {
    fake::Log inner;
    Pads pads;
    TestPadsLog log(inner, pads);
    std::string text;
    for (int b = 1; b < 256; ++b) text += static_cast<char>(b);
    log.event("net\xFA", text.c_str());
    ASSERT_EQ(pads.writes.size(), 1u);
    const std::string& line = pads.writes[0];
    std::string expected = "[net?] ";
    for (int b = 1; b < 256; ++b) expected += (b >= 0x20 && b <= 0x7E) ? static_cast<char>(b) : '?';
    expected = expected.substr(0, TestPadsLog::kLineMax - 2) + "\r\n";
    EXPECT_EQ(line, expected);
    // No frame sync byte, and the only CR LF is the line's own end.
    EXPECT_EQ(line.find('\xFA'), std::string::npos);
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    EXPECT_EQ(line.find('\r'), line.size() - 2);
    // The inner log gets the event as it was given.
    ASSERT_EQ(inner.events.size(), 1u);
    EXPECT_EQ(inner.events[0], "net\xFA: " + text);
}

TEST(TestPadsLog, ShowsANonAsciiSsidWithQuestionMarks) {
    fake::Log inner;
    Pads pads;
    TestPadsLog log(inner, pads);
    log.event("network", "joining Caf\xC3\xA9 \xE2\x98\x95");  // "Café ☕" in UTF-8
    ASSERT_EQ(pads.writes.size(), 1u);
    EXPECT_EQ(pads.writes[0], "[network] joining Caf?? ???\r\n");
}

TEST(TestPadsLog, CutsALongEventToTheLineBufferAndStillEndsTheLine) {
    fake::Log inner;
    Pads pads;
    TestPadsLog log(inner, pads);
    const std::string text(1000, 'x');
    log.event("update", text.c_str());
    log.event("system", "after");
    ASSERT_EQ(pads.writes.size(), 2u);
    EXPECT_EQ(pads.writes[0].size(), TestPadsLog::kLineMax);
    EXPECT_EQ(pads.writes[0], "[update] " + std::string(TestPadsLog::kLineMax - 11, 'x') + "\r\n");
    EXPECT_EQ(pads.writes[1], "[system] after\r\n");  // the buffer starts afresh
    ASSERT_EQ(inner.events.size(), 2u);
    EXPECT_EQ(inner.events[0], "update: " + text);
}

TEST(TestPadsLog, AnEmptyMessageIsStillALine) {
    fake::Log inner;
    Pads pads;
    TestPadsLog log(inner, pads);
    log.event("", "");
    ASSERT_EQ(pads.writes.size(), 1u);
    EXPECT_EQ(pads.writes[0], "[] \r\n");
}
