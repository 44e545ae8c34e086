#pragma once
// Atomic, power-fail-safe configuration store over two flash sectors.
//
// Each sector holds a complete image: a 16-byte header (magic, format, sequence, CRC-32)
// followed by the DCT content (dct_layout.hpp). A commit writes the whole image into the
// sector that does not hold the current copy: erase, program the content, then the
// sequence/CRC, and the magic word last. Until the magic is complete the new copy is
// invalid, so a power cut at any byte leaves the old copy in charge; after it, the new one
// wins by sequence number. Nothing is ever written to the current copy.
#include <cstddef>
#include <cstdint>

#include "core/dct_layout.hpp"
#include "hal/storage.hpp"

namespace core {

class ConfigStore {
public:
    static constexpr std::uint32_t kMagic = 0x43444B48;  // "HKDC"
    static constexpr std::uint16_t kFormat = 1;
    static constexpr std::size_t kHeaderSize = 16;

    explicit ConfigStore(hal::Storage& storage) : storage_(storage) {}

    // Reads the newest valid copy into RAM; with none, starts from erased flash (0xFF).
    // Returns false only when the flash could not be read at all.
    bool load();
    bool has_copy() const { return current_ >= 0; }
    std::uint32_t sequence() const { return sequence_; }

    // Image access by sector offset (dct::k*). Writes are staged in RAM until commit().
    const std::uint8_t* image() const { return image_; }
    bool read(std::size_t offset, std::uint8_t* dst, std::size_t len) const;
    bool write(std::size_t offset, const std::uint8_t* src, std::size_t len);
    bool fill(std::size_t offset, std::uint8_t value, std::size_t len);
    bool dirty() const { return dirty_; }

    // Persists staged changes as a new copy. No-op when nothing changed.
    bool commit();
    // Drops staged changes by reloading the current copy.
    bool discard() { return load(); }

private:
    static bool in_bounds(std::size_t offset, std::size_t len) {
        return offset >= kHeaderSize && offset <= dct::kImageSize &&
               len <= dct::kImageSize - offset;
    }
    bool sector_crc(int sector, std::uint32_t* crc);

    hal::Storage& storage_;
    std::uint8_t image_[dct::kImageSize];
    int current_ = -1;
    std::uint32_t sequence_ = 0;
    bool dirty_ = false;
};

}  // namespace core
