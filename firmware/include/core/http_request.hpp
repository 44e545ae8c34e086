#pragma once
// An HTTP/1.x request to the setup AP's web server (softap-protocol.md §3), parsed as bytes
// arrive into fixed buffers. Only what the setup pages need is kept: method, path (percent-
// decoded, query dropped), Content-Length, Connection and Expect. Unlike WICED's server,
// the header may span any number of segments and header names match case-insensitively.
#include <cstddef>
#include <cstdint>

namespace core {

class HttpRequest {
public:
    static constexpr std::size_t kMaxLine = 256;   // longer header lines are skipped
    static constexpr std::size_t kMaxHeaderBytes = 8192;
    static constexpr std::size_t kMaxPath = 128;
    static constexpr std::size_t kMaxBody = 8192;

    enum class Method : std::uint8_t { other, get, post, put, options, head };
    enum class State : std::uint8_t { request_line, headers, body, complete, failed };
    // Each fault maps to one HTTP status.
    enum class Fault : std::uint8_t {
        none, bad_request, header_too_large, body_too_large, length_required, bad_version,
    };

    void reset();
    // Consumes bytes until the request is complete or has failed; returns how many it took.
    // Bytes after a complete request are the next request's (keep-alive). Stops at the body
    // until a buffer of kMaxBody + 1 bytes is attached.
    std::size_t feed(const std::uint8_t* data, std::size_t len);
    bool wants_body_buffer() const { return state_ == State::body && !body_; }
    void attach_body(std::uint8_t* buffer) { body_ = buffer; }
    // The client announced `Expect: 100-continue` and waits for a go-ahead before its body.
    bool take_continue_request();

    State state() const { return state_; }
    Fault fault() const { return fault_; }
    bool complete() const { return state_ == State::complete; }
    Method method() const { return method_; }
    const char* path() const { return path_; }
    bool keep_alive() const { return keep_alive_; }
    const std::uint8_t* body() const { return body_ ? body_ : kEmpty; }
    std::size_t body_length() const { return length_; }

private:
    bool line_done();
    bool request_line();
    bool header_line();
    bool set_path(const char* target, std::size_t len);
    void fail(Fault f) {
        fault_ = f;
        state_ = State::failed;
    }

    State state_ = State::request_line;
    Fault fault_ = Fault::none;
    Method method_ = Method::other;
    bool keep_alive_ = true;
    bool has_length_ = false;
    bool expect_continue_ = false;
    char line_[kMaxLine + 1] = {};
    std::size_t line_len_ = 0;
    bool line_overflow_ = false;
    std::size_t header_bytes_ = 0;
    char path_[kMaxPath + 1] = {};
    std::size_t length_ = 0;
    std::size_t received_ = 0;
    std::uint8_t* body_ = nullptr;
    static constexpr std::uint8_t kEmpty[1] = {0};
};

}  // namespace core
