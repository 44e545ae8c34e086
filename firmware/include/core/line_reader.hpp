#pragma once
// Device OS's serialReadLine as a byte-fed state machine. A line ends on CR, LF, or the
// first byte after max_len characters; that byte is consumed, never stored or echoed.
// Stored bytes are echoed; BS/DEL remove and echo when there is something to remove.
// Multiline mode (PEM blocks) joins non-empty lines with CRLF and ends at an empty line.
#include <cstddef>

#include "core/console_output.hpp"

namespace core {

class LineReader {
public:
    // dst must hold max_len + 1 bytes.
    void start(char* dst, std::size_t max_len, bool multiline = false);
    // Returns true when the line (or block) is complete. Prints the CRLF that follows
    // every line; the caller then flushes pending input.
    bool feed(unsigned char c, ConsoleOutput& out);
    std::size_t length() const { return len_; }
    bool active() const { return dst_ != nullptr; }
    void cancel() { dst_ = nullptr; }

private:
    char* dst_ = nullptr;
    std::size_t max_ = 0;
    std::size_t len_ = 0;          // whole block
    std::size_t line_start_ = 0;   // multiline: where the current line begins
    bool multiline_ = false;
};

}  // namespace core
