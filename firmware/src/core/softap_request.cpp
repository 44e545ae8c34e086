#include "core/softap_request.hpp"

#include "core/request_body.hpp"

namespace core {

void SoftApRequest::reset() {
    state_ = State::name;
    fault_ = Fault::none;
    name_len_ = length_ = length_digits_ = received_ = 0;
    name_[0] = '\0';
    line_start_ = false;
    body_ = nullptr;
}

std::size_t SoftApRequest::feed(const std::uint8_t* data, std::size_t len) {
    std::size_t used = 0;
    while (used < len && state_ != State::complete && state_ != State::failed) {
        if (state_ == State::body) {  // the bulk of a request: copy, not byte by byte
            if (!body_) break;
            used += receive_body(body_, length_, &received_, data + used, len - used);
            if (received_ == length_) state_ = State::complete;
            continue;
        }
        take(data[used++]);
    }
    return used;
}

void SoftApRequest::take(std::uint8_t c) {
    switch (state_) {
        case State::name:
            if (c == '\n') {
                if (name_len_ == 0) return fail(Fault::bad_name);
                name_[name_len_] = '\0';
                state_ = State::length;
            } else if (c == '\0' || c == '\r' || name_len_ == kMaxName) {
                fail(Fault::bad_name);
            } else {
                name_[name_len_++] = static_cast<char>(c);
            }
            return;
        case State::length:
            if (c == '\n') {
                line_start_ = true;  // the first LF after the length line ends the header
                state_ = State::header;
            } else if (c < '0' || c > '9' || length_digits_ == 5) {
                fail(Fault::bad_length);  // Device OS would fold CR, signs or spaces in
            } else {
                length_ = length_ * 10 + static_cast<std::size_t>(c - '0');
                ++length_digits_;
                if (length_ > kMaxBody) fail(Fault::body_too_large);
            }
            return;
        case State::header:  // skip any further header lines up to the blank one
            if (c == '\n' && line_start_) {
                state_ = length_ == 0 ? State::complete : State::body;
            } else {
                line_start_ = c == '\n';
            }
            return;
        default:
            return;
    }
}

}  // namespace core
