#include "core/http_response.hpp"

namespace core {
namespace {

void line(HttpHead& out, const char* name, const char* value) {
    out.text(name);
    out.text(": ");
    out.text(value);
    out.text("\r\n");
}

}  // namespace

void write_page_head(HttpHead& out, const char* status, const char* content_type,
                     bool keep_alive, const char* location) {
    out.text("HTTP/1.1 ");
    out.text(status);
    out.text("\r\n");
    if (location) line(out, "Location", location);
    line(out, "Content-Type", content_type);
    line(out, "Cache-Control", "no-store, no-cache, must-revalidate, post-check=0, pre-check=0");
    line(out, "Pragma", "no-cache");
    line(out, "Connection", keep_alive ? "Keep-Alive" : "close");
    line(out, "Access-Control-Allow-Origin", "*");
    line(out, "Transfer-Encoding", "chunked");
    out.text("\r\n");
}

void write_chunk_size(HttpHead& out, std::size_t len) {
    static const char digits[] = "0123456789abcdef";
    char buf[sizeof(std::size_t) * 2];
    std::size_t i = sizeof buf;
    do buf[--i] = digits[len & 0xF];
    while ((len >>= 4) != 0);
    out.bytes(buf + i, sizeof buf - i);
    out.text("\r\n");
}

void write_preflight(HttpHead& out, bool keep_alive) {
    out.text("HTTP/1.1 204 No Content\r\n");
    line(out, "Access-Control-Allow-Origin", "*");
    line(out, "Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
    line(out, "Access-Control-Allow-Headers", "Content-Type");
    line(out, "Access-Control-Max-Age", "86400");
    line(out, "Content-Length", "0");
    line(out, "Connection", keep_alive ? "Keep-Alive" : "close");
    out.text("\r\n");
}

void write_error_head(HttpHead& out, const char* status, std::size_t body_len) {
    out.text("HTTP/1.1 ");
    out.text(status);
    out.text("\r\n");
    line(out, "Content-Type", "application/json");
    out.text("Content-Length: ");
    out.decimal(static_cast<std::uint32_t>(body_len));
    out.text("\r\n");
    line(out, "Allow", "GET, POST, PUT, OPTIONS");
    line(out, "Connection", "close");
    line(out, "Access-Control-Allow-Origin", "*");
    out.text("\r\n");
}

}  // namespace core
