#pragma once
// YMODEM framing as the Particle receiver reads it (protocol/ymodem.md): the byte values, one
// packet assembled a byte at a time, and what block 0 says about the file.
#include <cstddef>
#include <cstdint>

namespace core {
namespace ymodem {

constexpr std::uint8_t kSoh = 0x01;   // 128-byte block
constexpr std::uint8_t kStx = 0x02;   // 1024-byte block
constexpr std::uint8_t kEot = 0x04;
constexpr std::uint8_t kAck = 0x06;
constexpr std::uint8_t kNak = 0x15;
constexpr std::uint8_t kCan = 0x18;   // two in a row cancel
constexpr std::uint8_t kCrcRequest = 'C';

constexpr std::size_t kShortBlock = 128;
constexpr std::size_t kLongBlock = 1024;
constexpr std::size_t kOverhead = 5;  // start byte, seq, ~seq, then a CRC16 nobody checks
constexpr std::size_t kMaxPacket = kLongBlock + kOverhead;
constexpr std::size_t kMaxName = 256;
constexpr std::size_t kMaxSizeField = 16;

// What the bytes fed so far turned out to be.
enum class Event {
    pending,       // in the middle of something: feed more
    block,         // SOH/STX block whose seq and complement agree; its CRC is never looked at
    end_of_file,   // EOT
    sender_abort,  // CA CA
    user_abort,    // 'A' or 'a'
    ignore,        // space
    error,         // any other first byte, CA then something else, seq/complement mismatch
};

// Assembles one packet. After any result but `pending` it waits for a new first byte.
class PacketReader {
public:
    void reset() { state_ = State::start; }
    bool idle() const { return state_ == State::start; }
    Event feed(std::uint8_t b);

    // The block just completed (valid after feed() returned Event::block).
    std::uint8_t seq() const { return buf_[1]; }
    const std::uint8_t* data() const { return buf_ + 3; }
    std::size_t data_size() const { return length_ - kOverhead; }

private:
    enum class State { start, second_cancel, body };
    State state_ = State::start;
    std::uint8_t buf_[kMaxPacket];
    std::size_t length_ = 0;  // whole packet, start byte to CRC
    std::size_t have_ = 0;
};

// Block 0: "<name>\0<size>[ more fields]", zero padded. An empty name ends the batch.
struct Header {
    char name[kMaxName + 1];
    std::uint32_t size;
};

inline bool is_end_of_batch(const std::uint8_t* data) { return data[0] == 0; }

// The name runs to its NUL or 256 bytes; the size field starts one byte after where the name
// stopped and runs to the first space or 16 bytes, read like strtoul(…, 10) with a 32-bit
// unsigned long. Bytes past the block read as NUL.
void parse_header(const std::uint8_t* data, std::size_t len, Header& out);

// strtoul(s, nullptr, 10) for a 32-bit unsigned long: leading white space, a sign, digits up
// to the first non-digit; saturates on overflow; a minus sign negates modulo 2^32.
std::uint32_t parse_unsigned(const char* s);

}  // namespace ymodem
}  // namespace core
