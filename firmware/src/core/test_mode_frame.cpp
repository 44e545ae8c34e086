#include "core/test_mode_frame.hpp"

#include <cstring>

#include "core/crc32.hpp"
#include "core/le_bytes.hpp"

namespace core {
namespace test_mode {

const char* status_name(Status status) {
    switch (status) {
        case Status::ok: return "ok";
        case Status::unknown_command: return "unknown_command";
        case Status::bad_payload: return "bad_payload";
        case Status::bad_crc: return "bad_crc";
        case Status::bad_length: return "bad_length";
        case Status::truncated: return "truncated";
        case Status::bad_version: return "bad_version";
        case Status::busy: return "busy";
        case Status::unsupported: return "unsupported";
        case Status::not_connected: return "not_connected";
        case Status::storage_failed: return "storage_failed";
        case Status::join_wrong_password: return "join_wrong_password";
        case Status::join_not_found: return "join_not_found";
        case Status::join_timed_out: return "join_timed_out";
    }
    return "?";
}

void FrameReader::push(std::uint8_t byte, std::uint32_t now_ms, FrameSink& sink) {
    poll(now_ms, sink);
    // The window never holds a whole frame after scan(), so one more byte always fits once
    // the window is moved to the front.
    if (start_ + len_ == frame_size(limit_)) {
        std::memmove(buf_, buf_ + start_, len_);
        std::memset(buf_ + len_, 0, start_);  // the copy left behind (a JOIN key, maybe)
        start_ = 0;
    }
    buf_[start_ + len_++] = byte;
    last_ms_ = now_ms;
    scan(sink);
}

void FrameReader::poll(std::uint32_t now_ms, FrameSink& sink) {
    if (!in_frame() || now_ms - last_ms_ < kTruncateMs) return;
    const std::uint8_t seq = len_ > 4 ? at(4) : 0;
    clear();
    sink.frame_error(Status::truncated, seq);
}

bool FrameReader::waiting(std::uint32_t* deadline_ms) const {
    if (!in_frame()) return false;
    *deadline_ms = last_ms_ + kTruncateMs;
    return true;
}

void FrameReader::clear() {
    std::memset(buf_, 0, frame_size(limit_));
    start_ = len_ = 0;
}

void FrameReader::drop(std::size_t n) {
    std::memset(buf_ + start_, 0, n);  // rejected bytes may hold a JOIN key too
    advance(n);
}

void FrameReader::advance(std::size_t n) {
    start_ += n;
    len_ -= n;
    if (len_ == 0) start_ = 0;
}

// Handles whatever the window holds: a bad CRC drops one byte and the loop reads the rest
// again, so one pushed byte may produce several events.
void FrameReader::scan(FrameSink& sink) {
    for (;;) {
        while (len_ > 0 && (at(0) != kSync0 || (len_ > 1 && at(1) != kSync1))) drop(1);
        if (len_ < kHeaderSize) return;
        const std::uint8_t seq = at(4);
        if (at(2) != kVersion) {
            drop(kHeaderSize);
            sink.frame_error(Status::bad_version, seq);
            continue;
        }
        const std::size_t n = le16(buf_ + start_ + 5);
        if (n > limit_) {
            drop(kHeaderSize);
            sink.frame_error(Status::bad_length, seq);
            continue;
        }
        if (len_ < frame_size(n)) return;
        std::uint8_t* frame = buf_ + start_;
        if (crc32(frame + 2, kHeaderSize - 2 + n) != le32(frame + kHeaderSize + n)) {
            drop(1);
            sink.frame_error(Status::bad_crc, seq);
            continue;
        }
        advance(frame_size(n));  // wiped below, once the sink has read it
        sink.frame(frame[3], seq, frame + kHeaderSize, n);
        std::memset(frame, 0, frame_size(n));
    }
}

std::size_t seal_frame(std::uint8_t* frame, std::size_t capacity, std::uint8_t type,
                       std::uint8_t seq, std::size_t payload_len) {
    if (payload_len > kMaxPayload || capacity < frame_size(payload_len)) return 0;
    frame[0] = kSync0;
    frame[1] = kSync1;
    frame[2] = kVersion;
    frame[3] = type;
    frame[4] = seq;
    put_le16(frame + 5, static_cast<std::uint16_t>(payload_len));
    put_le32(frame + kHeaderSize + payload_len,
             crc32(frame + 2, kHeaderSize - 2 + payload_len));
    return frame_size(payload_len);
}

std::size_t encode_frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* payload,
                         std::size_t len, std::uint8_t* out, std::size_t capacity) {
    if (len > kMaxPayload || capacity < frame_size(len)) return 0;
    if (len) std::memcpy(out + kHeaderSize, payload, len);
    return seal_frame(out, capacity, type, seq, len);
}

}  // namespace test_mode
}  // namespace core
