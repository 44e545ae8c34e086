// The flat JSON reader of SoftAP bodies with the protocol's key lists, the primitive reader
// and the certificate unescaper, on the fuzzer's exact buffer (no NUL after it).
#include "core/flat_json.hpp"
#include "fuzz_support.hpp"

namespace {

using core::JsonKey;
using core::JsonType;

constexpr JsonKey kConfigure[] = {
    {"idx", JsonType::primitive}, {"ssid", JsonType::string}, {"pwd", JsonType::string},
    {"ch", JsonType::primitive},  {"sec", JsonType::primitive}, {"eap", JsonType::primitive},
    {"oi", JsonType::string},     {"ii", JsonType::string},     {"crt", JsonType::string},
    {"ek", JsonType::string},     {"key", JsonType::string},    {"ca", JsonType::string},
};
constexpr JsonKey kSet[] = {{"k", JsonType::string}, {"v", JsonType::string}};

class Sink final : public core::JsonMemberSink {
public:
    const char* begin = nullptr;
    const char* end = nullptr;
    std::size_t keys = 0;
    std::size_t members = 0;
    char out[512];
    std::size_t out_max = sizeof out;
    void member(std::size_t key_index, const core::JsonValue& v) override {
        FUZZ_CHECK(key_index < keys);
        FUZZ_CHECK(v.text >= begin && v.len <= static_cast<std::size_t>(end - v.text));
        ++members;
        (void)core::json_primitive_int(v);
        if (v.type == JsonType::string) {
            const long n = core::json_unescape(v.text, v.len, out, out_max);
            FUZZ_CHECK(n == -1 || (n >= 0 && static_cast<std::size_t>(n) <= v.len &&
                                   static_cast<std::size_t>(n) <= out_max));
        }
    }
};

void run(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    const std::uint8_t which = data[0];
    const char* text = reinterpret_cast<const char*>(data + 1);
    const std::size_t len = size - 1;
    Sink sink;
    sink.begin = text;
    sink.end = text + len;
    sink.out_max = which >> 2 ? (which >> 2) * 8u : sizeof sink.out;
    if (sink.out_max > sizeof sink.out) sink.out_max = sizeof sink.out;
    fuzz::NoHeap no_heap;
    const JsonKey* keys = which & 1 ? kSet : kConfigure;
    sink.keys = which & 1 ? 2 : sizeof kConfigure / sizeof kConfigure[0];
    const bool ok = core::read_flat_object(text, len, keys, sink.keys, sink);
    FUZZ_CHECK(ok || sink.members == 0);   // members only for a wholly valid object
    if (which & 2) {   // the helpers alone, on the whole text
        core::JsonValue v{text, len, JsonType::primitive};
        (void)core::json_primitive_int(v);
        const long n = core::json_unescape(text, len, sink.out, sink.out_max);
        FUZZ_CHECK(n == -1 || (n >= 0 && static_cast<std::size_t>(n) <= sink.out_max));
    }
}

}  // namespace

HARKEN_FUZZ_HARNESS("flat_json", nullptr, run);
