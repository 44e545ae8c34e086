#pragma once
// Device OS's serialReadLine as a byte-fed state machine. A line ends on CR, LF, or the
// first byte after max_len characters; that byte is consumed, never stored or echoed.
// Stored bytes are echoed; BS/DEL remove and echo when there is something to remove.
// Multiline mode (PEM blocks, Device OS's read_multiline) reads lines into the rest of
// the buffer, follows each non-empty one with CRLF and ends at an empty line — or when
// fewer than four bytes of room are left.
#include <cstddef>

#include "core/console_output.hpp"

namespace core {

class LineReader {
public:
    // dst must hold max_len + 1 bytes.
    void start(char* dst, std::size_t max_len, bool multiline = false);
    // Returns true when the line (or block) is complete. Prints the CRLF that follows
    // every line.
    bool feed(unsigned char c, ConsoleOutput& out);
    // Whether Device OS discards pending input now: after every single line, but after a
    // block only when it filled the buffer (an empty line returns straight away).
    bool flush_wanted() const { return flush_; }
    std::size_t length() const { return len_; }
    void cancel() { dst_ = nullptr; }

private:
    bool line_done(ConsoleOutput& out);

    char* dst_ = nullptr;
    std::size_t max_ = 0;          // single line: its limit; multiline: room left
    std::size_t len_ = 0;          // bytes in dst
    std::size_t line_len_ = 0;     // bytes of the current line
    bool multiline_ = false;
    bool flush_ = false;
};

}  // namespace core
