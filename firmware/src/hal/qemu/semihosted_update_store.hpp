#pragma once
// The QEMU device's OTA region: netduino2's flash is read-only, so an incoming image is staged
// in a host file (`ota=PATH` on QEMU's command line) and installed by the host runner, which
// plays the bootloader: the guest ends QEMU with kInstallExitStatus once an image validated,
// and the runner checks the file again, installs it and starts QEMU on it
// (host/harken/emulate/qemu_update.py).
#include "hal/update_store.hpp"

namespace qemu {

class SemihostedUpdateStore final : public hal::UpdateStore {
public:
    static constexpr std::uint32_t kInstallExitStatus = 86;

    // `path` must outlive the object; `slot` is where the QEMU images are linked.
    SemihostedUpdateStore(const char* path, hal::FlashSlot slot) : path_(path), slot_(slot) {}

    hal::FlashSlot install_slot() const override { return slot_; }
    std::uint32_t capacity() const override { return slot_.size; }
    bool begin(std::uint32_t size) override;
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override;
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override;
    bool queue_install(std::uint32_t length) override;
    void discard() override { queued_ = false; }
    void restart_to_install() override;

private:
    const char* path_;
    hal::FlashSlot slot_;
    int handle_ = -1;
    bool queued_ = false;
};

}  // namespace qemu
