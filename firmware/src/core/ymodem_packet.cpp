#include "core/ymodem_packet.hpp"

namespace core {
namespace ymodem {

Event PacketReader::feed(std::uint8_t b) {
    switch (state_) {
        case State::start:
            switch (b) {
                case kSoh: length_ = kShortBlock + kOverhead; break;
                case kStx: length_ = kLongBlock + kOverhead; break;
                case kEot: return Event::end_of_file;
                case kCan: state_ = State::second_cancel; return Event::pending;
                case 'A':
                case 'a': return Event::user_abort;
                case ' ': return Event::ignore;
                default: return Event::error;
            }
            buf_[0] = b;
            have_ = 1;
            state_ = State::body;
            return Event::pending;
        case State::second_cancel:
            state_ = State::start;
            return b == kCan ? Event::sender_abort : Event::error;
        case State::body:
            buf_[have_++] = b;
            if (have_ < length_) return Event::pending;
            state_ = State::start;
            return buf_[1] == static_cast<std::uint8_t>(buf_[2] ^ 0xFF) ? Event::block
                                                                        : Event::error;
    }
    return Event::error;
}

std::uint32_t parse_unsigned(const char* s) {
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) ++s;
    bool negative = false;
    if (*s == '+' || *s == '-') negative = *s++ == '-';
    std::uint32_t v = 0;
    bool overflow = false;
    for (; *s >= '0' && *s <= '9'; ++s) {
        const auto digit = static_cast<std::uint32_t>(*s - '0');
        if (v > (0xFFFFFFFFu - digit) / 10) overflow = true;
        else v = v * 10 + digit;
    }
    if (overflow) return 0xFFFFFFFFu;
    return negative ? 0u - v : v;
}

void parse_header(const std::uint8_t* data, std::size_t len, Header& out) {
    auto at = [&](std::size_t i) -> char { return i < len ? static_cast<char>(data[i]) : '\0'; };
    std::size_t pos = 0;
    std::size_t n = 0;
    while (n < kMaxName && at(pos) != '\0') out.name[n++] = at(pos++);
    out.name[n] = '\0';
    ++pos;  // past the NUL, or past the byte after a 256-byte name
    char field[kMaxSizeField + 1];
    n = 0;
    while (n < kMaxSizeField && at(pos) != ' ') field[n++] = at(pos++);
    field[n] = '\0';
    out.size = parse_unsigned(field);
}

}  // namespace ymodem
}  // namespace core
