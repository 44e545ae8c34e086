#include "core/test_pads_log.hpp"

namespace core {

void TestPadsLog::event(const char* category, const char* text) {
    inner_.event(category, text);
    len_ = 0;
    put('[');
    put_text(category);
    put(']');
    put(' ');
    put_text(text);
    // The line ending always fits: put() keeps two bytes free for it.
    line_[len_++] = '\r';
    line_[len_++] = '\n';
    pads_.write(line_, len_);  // one write: a line is never split around anything else
}

void TestPadsLog::put_text(const char* text) {
    if (!text) return;
    for (; *text; ++text) put(static_cast<std::uint8_t>(*text));
}

void TestPadsLog::put(std::uint8_t byte) {
    if (len_ >= kLineMax - 2) return;
    line_[len_++] = (byte >= 0x20 && byte <= 0x7E) ? byte : '?';
}

}  // namespace core
