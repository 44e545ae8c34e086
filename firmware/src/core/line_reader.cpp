#include "core/line_reader.hpp"

namespace core {

void LineReader::start(char* dst, std::size_t max_len, bool multiline) {
    dst_ = dst;
    max_ = max_len;
    len_ = line_start_ = 0;
    multiline_ = multiline;
    dst_[0] = '\0';
}

bool LineReader::feed(unsigned char c, ConsoleOutput& out) {
    if (!dst_) return true;
    const bool full = len_ == max_;
    if (full || c == '\r' || c == '\n') {
        out.text("\r\n");
        const bool empty_line = len_ == line_start_;
        if (!multiline_ || empty_line || full) {
            if (multiline_ && empty_line && len_ >= 2) len_ -= 2;  // drop the last joiner
            dst_[len_] = '\0';
            dst_ = nullptr;
            return true;
        }
        if (max_ - len_ >= 2) {  // join lines with CRLF
            dst_[len_++] = '\r';
            dst_[len_++] = '\n';
        }
        line_start_ = len_;
        dst_[len_] = '\0';
        return false;
    }
    if (c == 0x08 || c == 0x7F) {
        if (len_ > line_start_) {
            dst_[--len_] = '\0';
            out.byte(c);
        }
        return false;
    }
    dst_[len_++] = static_cast<char>(c);
    dst_[len_] = '\0';
    out.byte(c);
    return false;
}

}  // namespace core
