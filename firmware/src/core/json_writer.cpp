#include "core/json_writer.hpp"

namespace core {

void JsonWriter::separate() {
    if (need_comma_) out_.byte(',');
}

void JsonWriter::open(char c) {
    separate();
    out_.byte(static_cast<std::uint8_t>(c));
    need_comma_ = false;
}

void JsonWriter::close(char c) {
    out_.byte(static_cast<std::uint8_t>(c));
    need_comma_ = true;
}

void JsonWriter::key(const char* name) {
    separate();
    quoted(name);
    out_.byte(':');
    need_comma_ = false;
}

void JsonWriter::string(const char* value) {
    separate();
    quoted(value);
    need_comma_ = true;
}

void JsonWriter::number(std::uint32_t value) {
    separate();
    out_.decimal(value);
    need_comma_ = true;
}

void JsonWriter::integer(std::int32_t value) {
    separate();
    out_.signed_decimal(value);
    need_comma_ = true;
}

void JsonWriter::quoted(const char* s) {
    static const char digits[] = "0123456789abcdef";
    out_.byte('"');
    for (; *s; ++s) {
        const auto c = static_cast<unsigned char>(*s);
        if (c == '"' || c == '\\') {
            const char esc[2] = {'\\', static_cast<char>(c)};
            out_.bytes(esc, 2);
        } else if (c < 0x20) {
            const char esc[6] = {'\\', 'u', '0', '0', digits[c >> 4], digits[c & 0xF]};
            out_.bytes(esc, 6);
        } else {
            out_.byte(c);
        }
    }
    out_.byte('"');
}

}  // namespace core
