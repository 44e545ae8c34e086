#pragma once
// Frames of the QEMU network bridge (protocol/qemu-bridge.md): 0xA5, type, connection,
// u16 LE length (<= 512), payload, CRC-32 LE over type..payload. The decoder is fed bytes
// and hands each good frame to a sink; it never allocates.
#include <cstddef>
#include <cstdint>

namespace core {

namespace bridge {
constexpr std::uint8_t kStart = 0xA5;
constexpr std::size_t kHeader = 5, kTrailer = 4, kMaxPayload = 512;
constexpr std::size_t kMaxFrame = kHeader + kMaxPayload + kTrailer;

enum Type : std::uint8_t {
    // host -> device
    kOpen = 0x01, kHostData = 0x02, kFin = 0x03, kReset = 0x04, kHostHello = 0x05,
    // device -> host
    kAp = 0x81, kDeviceData = 0x82, kClose = 0x83, kCredit = 0x84, kDeviceHello = 0x85,
    kRefused = 0x86,
};
}  // namespace bridge

struct BridgeFrame {
    std::uint8_t type;
    std::uint8_t connection;
    std::uint16_t length;
    const std::uint8_t* payload;  // valid only during the sink call
};

class BridgeFrameSink {
public:
    virtual ~BridgeFrameSink() = default;
    virtual void on_frame(const BridgeFrame& frame) = 0;
};

// Resynchronises on the start byte: bytes before one are skipped; a candidate whose length
// exceeds 512 or whose CRC fails is dropped and scanning resumes at the byte after its
// start byte, so a good frame hidden inside a torn one is still found. Every input byte
// ends up in a good frame, as the start byte of a dropped candidate, skipped, or pending.
class BridgeFrameDecoder {
public:
    struct Counters {
        std::uint32_t frames = 0;
        std::uint32_t bad_crc = 0;
        std::uint32_t oversize = 0;
        std::uint32_t skipped = 0;  // bytes discarded while looking for a start byte
    };

    void feed(std::uint8_t byte, BridgeFrameSink& sink);
    void feed(const std::uint8_t* data, std::size_t len, BridgeFrameSink& sink);
    const Counters& counters() const { return counters_; }
    // Bytes of an unfinished candidate.
    std::size_t pending() const { return len_; }
    void clear() { len_ = 0; }

private:
    void settle(BridgeFrameSink& sink);
    void drop(std::size_t n);  // then hunt for the next start byte

    std::uint8_t buf_[bridge::kMaxFrame];
    std::size_t len_ = 0;
    Counters counters_;
};

// Writes one frame into out; returns its size, or 0 when the payload is over 512 bytes or
// the frame does not fit in cap.
std::size_t encode_bridge_frame(std::uint8_t type, std::uint8_t connection,
                                const std::uint8_t* payload, std::size_t len,
                                std::uint8_t* out, std::size_t cap);

}  // namespace core
