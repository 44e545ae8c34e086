#include "core/flat_json.hpp"

#include <cstring>

namespace core {
namespace {

struct Cursor {
    const char* p;
    const char* end;

    void skip_space() {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
    }
    bool eat(char c) {
        skip_space();
        if (p < end && *p == c) {
            ++p;
            return true;
        }
        return false;
    }
    // A string token: the bytes between the quotes; an escape never ends it.
    bool string(JsonValue* v) {
        skip_space();
        if (p >= end || *p != '"') return false;
        const char* start = ++p;
        while (p < end && *p != '"') {
            if (static_cast<unsigned char>(*p) < 0x20) return false;
            if (*p == '\\' && ++p == end) return false;
            ++p;
        }
        if (p >= end) return false;
        *v = {start, static_cast<std::size_t>(p - start), JsonType::string};
        ++p;
        return true;
    }
    bool primitive(JsonValue* v) {
        skip_space();
        const char* start = p;
        while (p < end && (*p == '+' || *p == '-' || *p == '.' || (*p >= '0' && *p <= '9') ||
                           (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            ++p;
        if (p == start) return false;
        *v = {start, static_cast<std::size_t>(p - start), JsonType::primitive};
        return true;
    }
    bool value(JsonValue* v) {
        skip_space();
        return p < end && (*p == '"' ? string(v) : primitive(v));
    }
};

int find_key(const JsonValue& name, const JsonKey* keys, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        if (std::strlen(keys[i].name) == name.len &&
            std::memcmp(keys[i].name, name.text, name.len) == 0)
            return static_cast<int>(i);
    return -1;
}

// One pass that validates; when `sink` is given, a second pass delivers.
bool walk(const char* text, std::size_t len, const JsonKey* keys, std::size_t count,
          JsonMemberSink* sink) {
    Cursor c{text, text + len};
    if (!c.eat('{')) return false;
    if (c.eat('}')) {
        c.skip_space();
        return c.p == c.end;
    }
    do {
        JsonValue name, value;
        if (!c.string(&name) || !c.eat(':') || !c.value(&value)) return false;
        const int k = find_key(name, keys, count);
        if (k < 0 || keys[k].type != value.type) return false;
        if (sink) sink->member(static_cast<std::size_t>(k), value);
    } while (c.eat(','));
    if (!c.eat('}')) return false;
    c.skip_space();
    return c.p == c.end;
}

}  // namespace

bool read_flat_object(const char* text, std::size_t len, const JsonKey* keys,
                      std::size_t key_count, JsonMemberSink& sink) {
    if (!walk(text, len, keys, key_count, nullptr)) return false;
    return walk(text, len, keys, key_count, &sink);
}

std::int32_t json_primitive_int(const JsonValue& v) {
    constexpr std::int64_t kMax = 0x7FFFFFFF, kMin = -kMax - 1;
    std::size_t i = 0;
    bool negative = false;
    if (i < v.len && (v.text[i] == '-' || v.text[i] == '+')) negative = v.text[i++] == '-';
    std::int64_t n = 0;
    for (; i < v.len && v.text[i] >= '0' && v.text[i] <= '9'; ++i)
        if (n <= kMax) n = n * 10 + (v.text[i] - '0');  // past the range it only saturates
    if (negative) n = -n;
    return static_cast<std::int32_t>(n > kMax ? kMax : n < kMin ? kMin : n);
}

long json_unescape(const char* text, std::size_t len, char* out, std::size_t max) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < len; ++i) {
        char c = text[i];
        if (c == '\\') {
            if (++i == len) return -1;
            switch (text[i]) {
                case '"': c = '"'; break;
                case '\\': c = '\\'; break;
                case '/': c = '/'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                default: return -1;
            }
        }
        if (n == max) return -1;
        out[n++] = c;
    }
    return static_cast<long>(n);
}

}  // namespace core
