#include "core/http_request.hpp"

#include <cstring>

#include "core/request_body.hpp"

namespace core {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive "name:" match; returns the value with surrounding blanks trimmed.
const char* header_value(const char* line, const char* name) {
    const std::size_t n = std::strlen(name);
    for (std::size_t i = 0; i < n; ++i)
        if (lower(line[i]) != name[i]) return nullptr;
    if (line[n] != ':') return nullptr;
    const char* v = line + n + 1;
    while (*v == ' ' || *v == '\t') ++v;
    return v;
}

bool equals_token(const char* value, const char* token) {
    std::size_t i = 0;
    for (; token[i]; ++i)
        if (lower(value[i]) != token[i]) return false;
    return value[i] == '\0' || value[i] == ' ' || value[i] == '\t' || value[i] == ',';
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

struct MethodName {
    const char* name;
    HttpRequest::Method method;
};
constexpr MethodName kMethods[] = {
    {"GET", HttpRequest::Method::get},         {"POST", HttpRequest::Method::post},
    {"PUT", HttpRequest::Method::put},         {"OPTIONS", HttpRequest::Method::options},
    {"HEAD", HttpRequest::Method::head},
};

}  // namespace

void HttpRequest::reset() {
    state_ = State::request_line;
    fault_ = Fault::none;
    method_ = Method::other;
    keep_alive_ = true;
    has_length_ = expect_continue_ = false;
    line_len_ = header_bytes_ = length_ = received_ = 0;
    line_overflow_ = false;
    path_[0] = '\0';
    body_ = nullptr;
}

bool HttpRequest::take_continue_request() {
    const bool wanted = expect_continue_ && state_ == State::body && received_ == 0;
    expect_continue_ = false;
    return wanted;
}

std::size_t HttpRequest::feed(const std::uint8_t* data, std::size_t len) {
    std::size_t used = 0;
    while (used < len && state_ != State::complete && state_ != State::failed) {
        if (state_ == State::body) {
            if (!body_) break;
            used += receive_body(body_, length_, &received_, data + used, len - used);
            if (received_ == length_) state_ = State::complete;
            continue;
        }
        const char c = static_cast<char>(data[used++]);
        if (++header_bytes_ > kMaxHeaderBytes) {
            fail(Fault::header_too_large);
        } else if (c == '\n') {
            if (line_len_ && line_[line_len_ - 1] == '\r') --line_len_;
            line_[line_len_] = '\0';
            line_len_ = 0;
            // A header line too long to keep is one the setup pages do not need (a cookie,
            // a user agent); a request line that long is refused.
            if (!line_overflow_) line_done();
            else if (state_ == State::request_line) fail(Fault::header_too_large);
            line_overflow_ = false;
        } else if (c == '\0') {
            fail(Fault::bad_request);
        } else if (line_len_ == kMaxLine) {
            line_overflow_ = true;
        } else {
            line_[line_len_++] = c;
        }
    }
    return used;
}

bool HttpRequest::line_done() {
    if (state_ == State::request_line) {
        if (line_[0] == '\0') return true;  // RFC 9112: ignore blank lines before a request
        return request_line();
    }
    if (line_[0] != '\0') return header_line();
    // The blank line: the header is complete; without Content-Length there is no body.
    state_ = length_ == 0 ? State::complete : State::body;
    return true;
}

bool HttpRequest::request_line() {
    char* sp1 = std::strchr(line_, ' ');
    char* sp2 = sp1 ? std::strchr(sp1 + 1, ' ') : nullptr;
    if (!sp1 || !sp2) {
        fail(Fault::bad_request);
        return false;
    }
    *sp1 = *sp2 = '\0';
    for (const auto& m : kMethods)
        if (!std::strcmp(line_, m.name)) method_ = m.method;
    const char* version = sp2 + 1;
    if (std::strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1') ||
        version[8] != '\0') {
        fail(Fault::bad_version);
        return false;
    }
    keep_alive_ = version[7] == '1';  // HTTP/1.0 closes unless asked otherwise
    if (!set_path(sp1 + 1, static_cast<std::size_t>(sp2 - sp1 - 1))) {
        fail(Fault::bad_request);
        return false;
    }
    state_ = State::headers;
    return true;
}

// Percent-decodes the path and drops the query, as WICED's server does before matching.
bool HttpRequest::set_path(const char* target, std::size_t len) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; ++i) {
        char c = target[i];
        if (c == '%') {
            const int hi = i + 2 < len ? hex_digit(target[i + 1]) : -1;
            const int lo = i + 2 < len ? hex_digit(target[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
            c = static_cast<char>(hi << 4 | lo);
            i += 2;
        }
        if (out == kMaxPath) return false;
        path_[out++] = c;
    }
    path_[out] = '\0';
    return out > 0 && path_[0] == '/';
}

bool HttpRequest::header_line() {
    if (const char* v = header_value(line_, "content-length")) {
        std::size_t n = 0, digits = 0;
        for (; *v >= '0' && *v <= '9'; ++v, ++digits) {
            n = n * 10 + static_cast<std::size_t>(*v - '0');
            if (n > kMaxBody) {
                fail(Fault::body_too_large);
                return false;
            }
        }
        while (*v == ' ' || *v == '\t') ++v;
        if (digits == 0 || *v != '\0' || (has_length_ && n != length_)) {
            fail(Fault::bad_request);  // RFC 9112 §6.3: conflicting lengths are an error
            return false;
        }
        has_length_ = true;
        length_ = n;
    } else if (const char* v = header_value(line_, "transfer-encoding")) {
        if (!equals_token(v, "identity")) {
            fail(Fault::length_required);  // the setup pages take sized bodies only
            return false;
        }
    } else if (const char* v = header_value(line_, "connection")) {
        if (equals_token(v, "close")) keep_alive_ = false;
        if (equals_token(v, "keep-alive")) keep_alive_ = true;
    } else if (const char* v = header_value(line_, "expect")) {
        expect_continue_ = equals_token(v, "100-continue");
    }
    return true;
}

}  // namespace core
