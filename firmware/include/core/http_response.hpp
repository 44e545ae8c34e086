#pragma once
// Replies of the setup AP's web server (softap-protocol.md §3.3): the header block WICED
// writes for the setup pages, chunked bodies, and harken's answers where WICED says nothing.
#include <cstddef>
#include <cstdint>

#include "core/reply_buffer.hpp"

namespace core {

using HttpHead = FixedText<512>;

// The setup pages' header: status, content type, no-cache, keep-alive (or close), CORS,
// chunked transfer.
void write_page_head(HttpHead& out, const char* status, const char* content_type,
                     bool keep_alive, const char* location = nullptr);
// One chunk holding `len` bytes (none when empty) followed by the terminal chunk.
void write_chunk_size(HttpHead& out, std::size_t len);
constexpr const char kChunkEnd[] = "\r\n";
constexpr const char kLastChunk[] = "0\r\n\r\n";

// A CORS preflight answer: WICED ignores OPTIONS, so browsers could not send JSON bodies.
void write_preflight(HttpHead& out, bool keep_alive);
// A sized error reply whose body is harken's error JSON; the connection closes after it.
void write_error_head(HttpHead& out, const char* status, std::size_t body_len);

}  // namespace core
