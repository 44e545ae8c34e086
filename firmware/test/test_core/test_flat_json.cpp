// The flat JSON of SoftAP requests: keys and types checked, values raw, malformed input
// refused as a whole.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/flat_json.hpp"

namespace {

using core::JsonType;

const core::JsonKey kConfigureAp[] = {
    {"idx", JsonType::primitive}, {"ssid", JsonType::string}, {"pwd", JsonType::string},
    {"ch", JsonType::primitive},  {"sec", JsonType::primitive}, {"ca", JsonType::string},
};

struct Members final : core::JsonMemberSink {
    std::vector<std::pair<std::size_t, std::string>> got;
    void member(std::size_t key, const core::JsonValue& v) override {
        got.emplace_back(key, std::string(v.text, v.len));
    }
};

bool read(const std::string& json, Members& m) {
    return core::read_flat_object(json.data(), json.size(), kConfigureAp,
                                  sizeof kConfigureAp / sizeof kConfigureAp[0], m);
}

}  // namespace

TEST(FlatJson, ConfigureApRequestAsSoftApSetupSendsIt) {
    Members m;
    ASSERT_TRUE(read(R"({"idx":0,"ssid":"HomeNet","sec":4194310,"ch":null,"pwd":"8f48"})", m));
    const std::vector<std::pair<std::size_t, std::string>> want = {
        {0, "0"}, {1, "HomeNet"}, {4, "4194310"}, {3, "null"}, {2, "8f48"}};
    EXPECT_EQ(m.got, want);
}

TEST(FlatJson, StringsStayRawAndDuplicatesArriveInOrder) {
    Members m;
    ASSERT_TRUE(read(" { \"ssid\" : \"a\\\"b\\\\c\" ,\n \"ssid\":\"Caf\xc3\xa9\" } ", m));
    ASSERT_EQ(m.got.size(), 2u);
    EXPECT_EQ(m.got[0].second, "a\\\"b\\\\c");  // not unescaped, like Device OS
    EXPECT_EQ(m.got[1].second, "Caf\xc3\xa9");
}

TEST(FlatJson, RefusedWholeAndWithoutDeliveringAnything) {
    const char* bad[] = {
        R"({"ssid":"x","bogus":1})",    // unknown key
        R"({"ssid":5})",                // wrong type
        R"({"idx":"0"})",               // wrong type the other way
        R"({"ssid":"x")",               // truncated
        R"({"ssid":"x"} trailing)",     // junk after the object
        R"({"ssid":{"a":1}})",          // nested
        R"(["ssid"])",                  // not an object
        R"({"ssid":"unterminated})",
        "",
        "{\"ssid\":\"tab\there\"}",     // raw control character in a string
    };
    for (const char* json : bad) {
        Members m;
        EXPECT_FALSE(read(json, m)) << json;
        EXPECT_TRUE(m.got.empty()) << json;
    }
    Members empty;
    EXPECT_TRUE(read("{}", empty));
}

TEST(FlatJson, PrimitivesConvertLikeAtoi) {
    auto value = [](const char* s) {
        return core::json_primitive_int({s, std::char_traits<char>::length(s),
                                         JsonType::primitive});
    };
    EXPECT_EQ(value("4194310"), 4194310);
    EXPECT_EQ(value("4194310.0"), 4194310);
    EXPECT_EQ(value("-12"), -12);
    EXPECT_EQ(value("null"), 0);
    EXPECT_EQ(value("true"), 0);
    EXPECT_EQ(value("99999999999999999999"), 0x7FFFFFFF);
    EXPECT_EQ(value("-99999999999999999999"), -0x7FFFFFFF - 1);
}

TEST(FlatJson, CertificateUnescaping) {
    char out[64];
    const std::string pem = R"(-----BEGIN X-----\nMAMC\/AQE=\r\n-----END X-----)";
    const long n = core::json_unescape(pem.data(), pem.size(), out, sizeof out);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(out, static_cast<std::size_t>(n)),
              "-----BEGIN X-----\nMAMC/AQE=\r\n-----END X-----");
    EXPECT_EQ(core::json_unescape("\\u0041", 6, out, sizeof out), -1);  // not supported
    EXPECT_EQ(core::json_unescape("abcdef", 6, out, 3), -1);            // does not fit
    EXPECT_EQ(core::json_unescape("x\\", 2, out, sizeof out), -1);      // dangling escape
}

// strchr finds the terminator too: a NUL byte must not pass for part of a primitive.
TEST(FlatJson, ANulByteIsNotPartOfAPrimitive) {
    Members m;
    EXPECT_FALSE(read(std::string("{\"ch\":1\0\0}", 10), m));
    EXPECT_TRUE(m.got.empty());
}
