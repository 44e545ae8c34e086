#include "core/config_store.hpp"

#include <cstring>

#include "core/crc32.hpp"
#include "core/le_bytes.hpp"

namespace core {
namespace {

constexpr std::size_t kSeqOffset = 8;
constexpr std::size_t kCrcOffset = 12;

// a is newer than b in serial-number arithmetic, so the sequence may wrap.
bool newer(std::uint32_t a, std::uint32_t b) {
    const std::uint32_t d = a - b;
    return d != 0 && d < 0x80000000u;
}

}  // namespace

// CRC over header bytes 4..11 (format, reserved, sequence) and the whole content.
bool ConfigStore::sector_crc(int sector, std::uint32_t* crc) {
    std::uint8_t chunk[256];
    if (!storage_.read(sector, 4, chunk, kCrcOffset - 4)) return false;
    std::uint32_t c = crc32(chunk, kCrcOffset - 4);
    for (std::size_t off = kHeaderSize; off < dct::kImageSize; off += sizeof chunk) {
        const std::size_t n =
            dct::kImageSize - off < sizeof chunk ? dct::kImageSize - off : sizeof chunk;
        if (!storage_.read(sector, off, chunk, n)) return false;
        c = crc32(chunk, n, c);
    }
    *crc = c;
    return true;
}

bool ConfigStore::load() {
    int best = -1;
    std::uint32_t best_seq = 0;
    bool readable = false;
    for (int s = 0; s < hal::Storage::kSectorCount; ++s) {
        std::uint8_t h[kHeaderSize];
        if (!storage_.read(s, 0, h, sizeof h)) continue;
        readable = true;
        if (le32(h) != kMagic || le16(h + 4) != kFormat) continue;
        std::uint32_t crc = 0;
        if (!sector_crc(s, &crc) || crc != le32(h + kCrcOffset)) continue;
        const std::uint32_t seq = le32(h + kSeqOffset);
        if (best < 0 || newer(seq, best_seq)) {
            best = s;
            best_seq = seq;
        }
    }
    dirty_ = false;
    if (best < 0 || !storage_.read(best, 0, image_, dct::kImageSize)) {
        std::memset(image_, 0xFF, sizeof image_);
        current_ = -1;
        sequence_ = 0;
        return readable;
    }
    current_ = best;
    sequence_ = best_seq;
    return true;
}

bool ConfigStore::read(std::size_t offset, std::uint8_t* dst, std::size_t len) const {
    if (!in_bounds(offset, len)) return false;
    std::memcpy(dst, image_ + offset, len);
    return true;
}

bool ConfigStore::write(std::size_t offset, const std::uint8_t* src, std::size_t len) {
    if (!in_bounds(offset, len)) return false;
    // An empty field may come as a null pointer, which memcmp must never be given.
    if (len && std::memcmp(image_ + offset, src, len) != 0) {
        std::memmove(image_ + offset, src, len);
        dirty_ = true;
    }
    return true;
}

bool ConfigStore::fill(std::size_t offset, std::uint8_t value, std::size_t len) {
    if (!in_bounds(offset, len)) return false;
    for (std::size_t i = 0; i < len; ++i) {
        if (image_[offset + i] != value) {
            image_[offset + i] = value;
            dirty_ = true;
        }
    }
    return true;
}

bool ConfigStore::commit() {
    if (!dirty_ && current_ >= 0) return true;
    const int target = current_ == 0 ? 1 : 0;
    const std::uint32_t seq = current_ >= 0 ? sequence_ + 1 : 1;

    std::uint8_t* h = image_;
    put_le32(h, kMagic);
    put_le16(h + 4, kFormat);
    put_le16(h + 6, 0xFFFF);
    put_le32(h + kSeqOffset, seq);
    std::uint32_t crc = crc32(h + 4, kCrcOffset - 4);
    crc = crc32(image_ + kHeaderSize, dct::kImageSize - kHeaderSize, crc);
    put_le32(h + kCrcOffset, crc);

    // Content first, then sequence and CRC, the magic word last: the commit point.
    const bool written =
        storage_.erase(target) &&
        storage_.program(target, kHeaderSize, image_ + kHeaderSize,
                         dct::kImageSize - kHeaderSize) &&
        storage_.program(target, 4, h + 4, kHeaderSize - 4) &&
        storage_.program(target, 0, h, 4);
    std::uint32_t check = 0;
    std::uint8_t magic[4];
    if (!written || !sector_crc(target, &check) || check != crc ||
        !storage_.read(target, 0, magic, 4) || le32(magic) != kMagic) {
        return false;  // the current copy is untouched and stays in charge
    }
    current_ = target;
    sequence_ = seq;
    dirty_ = false;
    return true;
}

}  // namespace core
