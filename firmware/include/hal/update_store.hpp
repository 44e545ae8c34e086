#pragma once
// Where a firmware image received over the console is staged (the OTA region on a board),
// and the hand-over to whatever installs it at the next reset (the bootloader on a board,
// the emulator's runner on QEMU, the virtual device's own start-up on native).
#include <cstddef>
#include <cstdint>

namespace hal {

// The flash range an installed image runs from.
struct FlashSlot {
    std::uint32_t start;
    std::uint32_t size;
};

class UpdateStore {
public:
    virtual ~UpdateStore() = default;
    // Where an installed image will run from; the staged image must be linked for it.
    virtual FlashSlot install_slot() const = 0;
    // Largest file that can be staged.
    virtual std::uint32_t capacity() const = 0;
    // Make room for a `size`-byte file (erase) and forget any image queued before.
    virtual bool begin(std::uint32_t size) = 0;
    virtual bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) = 0;
    virtual bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) = 0;
    // The first `length` staged bytes are a validated module: install them at next reset.
    virtual bool queue_install(std::uint32_t length) = 0;
    // Drop whatever was staged; the running image stays.
    virtual void discard() = 0;
    // Reset so that the queued image is installed. Does not return on a board.
    virtual void restart_to_install() = 0;
};

}  // namespace hal
