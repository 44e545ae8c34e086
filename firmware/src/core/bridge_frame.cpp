#include "core/bridge_frame.hpp"

#include <cstring>

#include "core/crc32.hpp"
#include "core/le_bytes.hpp"

namespace core {

using namespace bridge;

void BridgeFrameDecoder::feed(std::uint8_t byte, BridgeFrameSink& sink) {
    if (len_ == 0 && byte != kStart) {
        ++counters_.skipped;
        return;
    }
    buf_[len_++] = byte;  // settle() keeps len_ below a whole frame, so this fits
    settle(sink);
}

void BridgeFrameDecoder::feed(const std::uint8_t* data, std::size_t len, BridgeFrameSink& sink) {
    for (std::size_t i = 0; i < len; ++i) feed(data[i], sink);
}

void BridgeFrameDecoder::settle(BridgeFrameSink& sink) {
    while (len_ >= kHeader) {
        const std::size_t n = le16(buf_ + 3);
        if (n > kMaxPayload) {
            ++counters_.oversize;
            drop(1);
            continue;
        }
        const std::size_t size = kHeader + n + kTrailer;
        if (len_ < size) return;
        if (crc32(buf_ + 1, kHeader - 1 + n) != le32(buf_ + kHeader + n)) {
            ++counters_.bad_crc;
            drop(1);
            continue;
        }
        ++counters_.frames;
        sink.on_frame({buf_[1], buf_[2], static_cast<std::uint16_t>(n), buf_ + kHeader});
        drop(size);  // after a rescan good bytes may follow the frame
    }
}

void BridgeFrameDecoder::drop(std::size_t n) {
    while (n < len_ && buf_[n] != kStart) {
        ++counters_.skipped;
        ++n;
    }
    std::memmove(buf_, buf_ + n, len_ - n);
    len_ -= n;
}

std::size_t encode_bridge_frame(std::uint8_t type, std::uint8_t connection,
                                const std::uint8_t* payload, std::size_t len,
                                std::uint8_t* out, std::size_t cap) {
    if (len > kMaxPayload || cap < kHeader + len + kTrailer) return 0;
    out[0] = kStart;
    out[1] = type;
    out[2] = connection;
    put_le16(out + 3, static_cast<std::uint16_t>(len));
    if (len) std::memcpy(out + kHeader, payload, len);
    put_le32(out + kHeader + len, crc32(out + 1, kHeader - 1 + len));
    return kHeader + len + kTrailer;
}

}  // namespace core
