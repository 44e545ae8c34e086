#include "core/line_reader.hpp"

namespace core {

void LineReader::start(char* dst, std::size_t max_len, bool multiline) {
    dst_ = dst;
    max_ = max_len;
    len_ = line_len_ = 0;
    multiline_ = multiline;
    flush_ = false;
    dst_[0] = '\0';
}

bool LineReader::feed(unsigned char c, ConsoleOutput& out) {
    if (!dst_) return true;
    if (line_len_ == max_ || c == '\r' || c == '\n') return line_done(out);
    if (c == 0x08 || c == 0x7F) {
        if (line_len_ > 0) {
            --line_len_;
            dst_[--len_] = '\0';
            out.byte(c);
        }
        return false;
    }
    dst_[len_++] = static_cast<char>(c);
    dst_[len_] = '\0';
    ++line_len_;
    out.byte(c);
    return false;
}

bool LineReader::line_done(ConsoleOutput& out) {
    out.text("\r\n");
    const std::size_t line = line_len_;
    line_len_ = 0;
    if (!multiline_) {
        flush_ = true;
        dst_ = nullptr;
        return true;
    }
    max_ -= line;
    if (max_ > 3 && line != 0) {  // Device OS keeps the CRLF after every non-empty line
        dst_[len_++] = '\r';
        dst_[len_++] = '\n';
        dst_[len_] = '\0';
        max_ -= 2;  // (Device OS does not count these two; we stay inside the buffer)
    }
    if (line == 0 || max_ <= 3) {
        flush_ = line != 0;
        dst_ = nullptr;
        return true;
    }
    return false;
}

}  // namespace core
