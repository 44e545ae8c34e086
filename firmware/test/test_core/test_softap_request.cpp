// SoftAP TCP request framing: what Particle's clients send, and the faults named instead
// of Device OS's silent corruption.
#include <gtest/gtest.h>

#include <string>

#include "core/softap_request.hpp"

namespace {

using core::SoftApRequest;

// Feeds a whole string, optionally one byte per call as a slow client would.
std::size_t feed(SoftApRequest& r, const std::string& s, bool bytewise = false) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    if (!bytewise) return r.feed(p, s.size());
    std::size_t used = 0;
    for (std::size_t i = 0; i < s.size(); ++i) used += r.feed(p + i, 1);
    return used;
}

SoftApRequest& fresh() {
    static SoftApRequest r;
    static std::uint8_t body[SoftApRequest::kMaxBody + 1];  // what the server lends
    r.reset();
    r.attach_body(body);
    return r;
}

}  // namespace

TEST(SoftApRequest, CommandWithoutBody) {
    for (bool bytewise : {false, true}) {
        auto& r = fresh();
        EXPECT_EQ(feed(r, "device-id\n0\n\n", bytewise), 13u);
        ASSERT_TRUE(r.complete());
        EXPECT_STREQ(r.name(), "device-id");
        EXPECT_EQ(r.body_length(), 0u);
    }
}

TEST(SoftApRequest, EmptyLengthMeansNoBody) {
    auto& r = fresh();
    feed(r, "version\n\n\n");
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.body_length(), 0u);
}

TEST(SoftApRequest, BodyOfExactlyTheDeclaredLength) {
    const std::string body = R"({"k":"cc","v":"abc"})";
    for (bool bytewise : {false, true}) {
        auto& r = fresh();
        const std::string request = "set\n" + std::to_string(body.size()) + "\n\n" + body;
        EXPECT_EQ(feed(r, request + "trailing", bytewise), request.size());
        ASSERT_TRUE(r.complete());
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.body()), r.body_length()), body);
    }
}

TEST(SoftApRequest, ExtraHeaderLinesAreSkipped) {
    auto& r = fresh();
    feed(r, "set\n3\nx-extra: 1\n\nabc");
    // Anything between the length line and the blank line is skipped, as on Device OS.
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.body_length(), 3u);
    EXPECT_EQ(r.body()[0], 'a');
}

TEST(SoftApRequest, ShortBodyStaysIncomplete) {
    auto& r = fresh();
    feed(r, "set\n10\n\nabc");
    EXPECT_EQ(r.state(), SoftApRequest::State::body);  // the server's timeout decides
}

TEST(SoftApRequest, FaultsAreNamed) {
    struct Case {
        std::string bytes;
        SoftApRequest::Fault fault;
    } cases[] = {
        {"\n0\n\n", SoftApRequest::Fault::bad_name},
        {"device-id\r\n0\n\n", SoftApRequest::Fault::bad_name},
        {std::string("dev\0ice\n0\n\n", 12), SoftApRequest::Fault::bad_name},
        {std::string(30, 'n') + "\n0\n\n", SoftApRequest::Fault::bad_name},
        {"set\n12\r\n\n", SoftApRequest::Fault::bad_length},
        {"set\n-1\n\n", SoftApRequest::Fault::bad_length},
        {"set\n 5\n\n", SoftApRequest::Fault::bad_length},
        {"set\n99999999999\n\n", SoftApRequest::Fault::body_too_large},
        {"set\n000000001\n\n", SoftApRequest::Fault::bad_length},  // no endless digits
        {"set\n8193\n\n", SoftApRequest::Fault::body_too_large},
    };
    for (const auto& c : cases) {
        auto& r = fresh();
        feed(r, c.bytes);
        EXPECT_EQ(r.state(), SoftApRequest::State::failed) << c.bytes;
        EXPECT_EQ(r.fault(), c.fault) << c.bytes;
    }
}

TEST(SoftApRequest, LongestNameAndLargestBodyFit) {
    auto& r = fresh();
    const std::string body(SoftApRequest::kMaxBody, 'b');
    feed(r, std::string(29, 'n') + "\n8192\n\n" + body);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.body_length(), SoftApRequest::kMaxBody);
}

TEST(SoftApRequest, WaitsAtTheBodyUntilABufferIsLent) {
    SoftApRequest r;
    r.reset();
    EXPECT_EQ(feed(r, "set\n3\n\nabc"), 7u);  // the header only
    EXPECT_TRUE(r.wants_body_buffer());
    std::uint8_t body[SoftApRequest::kMaxBody + 1];
    r.attach_body(body);
    EXPECT_EQ(feed(r, "abc"), 3u);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.body()), 3), "abc");
}
