#pragma once
// The SoftAP "simple protocol" request on TCP port 5609 (softap-protocol.md §2.1):
//   name LF length LF LF body
// parsed as bytes arrive, into fixed buffers. Device OS accepts anything here (a CR or a
// sign silently corrupts the length, a 30-byte name overruns its buffer, a short body
// stalls the server); this parser names the fault instead, so the server can answer and
// close without waiting on a body that is never coming. The body goes into a buffer the
// server lends for the duration of one request (bodies are rare; connections are not).
#include <cstddef>
#include <cstdint>

namespace core {

class SoftApRequest {
public:
    static constexpr std::size_t kMaxName = 29;
    static constexpr std::size_t kMaxBody = 8192;  // EAP-TLS certificate + key, hex-encoded

    enum class State : std::uint8_t { name, length, header, body, complete, failed };
    enum class Fault : std::uint8_t { none, bad_name, bad_length, body_too_large };

    void reset();
    // Consumes bytes until the request is complete or has failed; returns how many it took
    // (bytes after the body belong to nobody: one request per connection). Stops at the
    // body until a buffer of kMaxBody + 1 bytes is attached.
    std::size_t feed(const std::uint8_t* data, std::size_t len);
    bool wants_body_buffer() const { return state_ == State::body && !body_; }
    void attach_body(std::uint8_t* buffer) { body_ = buffer; }

    State state() const { return state_; }
    Fault fault() const { return fault_; }
    bool complete() const { return state_ == State::complete; }
    const char* name() const { return name_; }
    const std::uint8_t* body() const { return body_ ? body_ : kEmpty; }
    std::size_t body_length() const { return length_; }

private:
    void take(std::uint8_t c);
    void fail(Fault f) {
        fault_ = f;
        state_ = State::failed;
    }

    State state_ = State::name;
    Fault fault_ = Fault::none;
    char name_[kMaxName + 1] = {};
    std::size_t name_len_ = 0;
    std::size_t length_ = 0;
    std::size_t length_digits_ = 0;
    bool line_start_ = false;
    std::size_t received_ = 0;
    std::uint8_t* body_ = nullptr;
    static constexpr std::uint8_t kEmpty[1] = {0};
};

}  // namespace core
