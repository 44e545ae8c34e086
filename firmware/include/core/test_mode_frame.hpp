#pragma once
// Test-mode frames (protocol/test-mode.md): FA CE, version 1, type, sequence, u16 LE payload
// length, payload, CRC-32 (zlib) of everything after the sync. A streaming reader fed one
// byte at a time, and a writer into a caller's buffer. No heap; the reader's buffer holds
// one frame of its payload limit.
#include <cstddef>
#include <cstdint>

namespace core {
namespace test_mode {

constexpr std::uint8_t kSync0 = 0xFA, kSync1 = 0xCE;
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeaderSize = 7;   // sync, version, type, seq, length
constexpr std::size_t kCrcSize = 4;
constexpr std::size_t kMaxPayload = 1024;      // any frame
constexpr std::size_t kMaxRequestPayload = 256;  // what the device reads
// A frame stops when this long passes with no byte after its sync.
constexpr std::uint32_t kTruncateMs = 250;

constexpr std::size_t frame_size(std::size_t payload_len) {
    return kHeaderSize + payload_len + kCrcSize;
}

enum class Status : std::uint8_t {
    ok = 0, unknown_command = 1, bad_payload = 2, bad_crc = 3, bad_length = 4, truncated = 5,
    bad_version = 6, busy = 7, unsupported = 8, not_connected = 9, storage_failed = 10,
    join_wrong_password = 32, join_not_found = 33, join_timed_out = 34,
};
// The doc's lower-case name ("bad_crc"); "?" for a value not in the table.
const char* status_name(Status status);

enum class Type : std::uint8_t {
    ping = 0x00, identify = 0x01, reboot = 0x02, factory_reset = 0x03, join = 0x04,
    scan = 0x05, rssi = 0x06, clear_credentials = 0x07, led = 0x08, button = 0x09,
    hello = 0xC0, frame_error = 0xFF,
};
constexpr std::uint8_t kReplyBit = 0x80;

// What a reader hands on. The payload points into the reader's buffer and is valid only
// during the call.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    virtual void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* payload,
                       std::size_t len) = 0;
    // A frame-level problem (bad_version, bad_length, bad_crc, truncated); seq is the
    // header's, or 0 when none was read.
    virtual void frame_error(Status status, std::uint8_t seq) = 0;
};

// Finds frames in a byte stream, with the resync rules of the doc's "Frame errors" table:
// a bad version or length drops the 7 header bytes; a bad CRC drops only the FA, so the
// bytes after it are read again as if they had just arrived; FA then anything but CE is
// dropped. A frame starts at a complete sync (FA CE): a lone FA never times out, a frame
// that gets no byte for kTruncateMs is reported truncated and forgotten. A frame's bytes are
// wiped once it has been handed on (a JOIN key does not linger in RAM).
class FrameReader {
public:
    // `buffer` holds frame_size(limit) bytes; `limit` is the largest payload accepted.
    FrameReader(std::uint8_t* buffer, std::size_t limit) : buf_(buffer), limit_(limit) {}

    void push(std::uint8_t byte, std::uint32_t now_ms, FrameSink& sink);
    // Reports a frame that stopped (call each loop pass; push does it too).
    void poll(std::uint32_t now_ms, FrameSink& sink);
    // Mid-frame: when the frame is due to be reported truncated.
    bool waiting(std::uint32_t* deadline_ms) const;
    // Forget any partial frame.
    void clear();

private:
    bool in_frame() const { return len_ >= 2; }
    void scan(FrameSink& sink);
    void drop(std::size_t n);     // wipes the bytes it drops
    void advance(std::size_t n);  // moves past them as they are
    std::uint8_t at(std::size_t i) const { return buf_[start_ + i]; }

    std::uint8_t* buf_;
    std::size_t limit_;
    std::size_t start_ = 0;   // the window of unread bytes is buf_[start_, start_ + len_)
    std::size_t len_ = 0;
    std::uint32_t last_ms_ = 0;
};

// A reader with its own buffer.
template <std::size_t Limit>
class BufferedFrameReader : public FrameReader {
public:
    BufferedFrameReader() : FrameReader(storage_, Limit) {}
    BufferedFrameReader(const BufferedFrameReader&) = delete;  // buf_ points into this one
    BufferedFrameReader& operator=(const BufferedFrameReader&) = delete;

private:
    std::uint8_t storage_[frame_size(Limit)];
};

// Writes header and CRC around a payload already at frame + kHeaderSize; returns the frame's
// size, or 0 when it does not fit `capacity` or the payload is over kMaxPayload.
std::size_t seal_frame(std::uint8_t* frame, std::size_t capacity, std::uint8_t type,
                       std::uint8_t seq, std::size_t payload_len);
// The whole frame into `out` (payload may not overlap `out`); 0 when it does not fit.
std::size_t encode_frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* payload,
                         std::size_t len, std::uint8_t* out, std::size_t capacity);

}  // namespace test_mode
}  // namespace core
