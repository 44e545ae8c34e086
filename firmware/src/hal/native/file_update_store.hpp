#pragma once
// The virtual device's OTA region and bootloader, as files in its state folder:
//   ota.bin       the staged bytes of the last transfer
//   ota.pending   "<length>\n": the first <length> bytes of ota.bin checked out; install them
//   firmware.bin  the installed image: what `s` describes from the next boot on
// Installing is a write to a temporary file and a rename, so a power cut at any moment leaves
// either the old image or the new one, and a queued install survives it.
#include "core/module_info.hpp"
#include "core/platform_info.hpp"
#include "core/update_validation.hpp"
#include "hal/event_log.hpp"
#include "hal/update_store.hpp"
#include "native_system.hpp"

namespace native {

class FileUpdateStore final : public hal::UpdateStore {
public:
    static constexpr std::size_t kMaxPath = 512;

    // The virtual device takes images linked for its platform's monolithic slot, like the
    // board build of harken (firmware/platform/ldscripts/gen2_monolithic.ld).
    FileUpdateStore(const char* state_dir, hal::FlashSlot slot, ProcessControl& control);

    hal::FlashSlot install_slot() const override { return slot_; }
    std::uint32_t capacity() const override { return slot_.size; }
    bool begin(std::uint32_t size) override;
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override;
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override;
    bool queue_install(std::uint32_t length) override;
    void discard() override;
    void restart_to_install() override { control_.reset(hal::BootMode::normal); }

    // The bootloader's part, before every boot: installs a queued image if it still checks
    // out (CRC and slot), and forgets the queue either way.
    void install_pending(std::uint16_t platform_id, hal::EventLog& log);
    // Describes the installed image; false when there is none (the device then runs its
    // built-in description).
    bool describe_installed(std::uint16_t platform_id, core::RunningImage* image);

private:
    void close_staged();

    hal::FlashSlot slot_;
    ProcessControl& control_;
    char staged_[kMaxPath], pending_[kMaxPath], installed_[kMaxPath], temporary_[kMaxPath],
        dir_[kMaxPath];
    int fd_ = -1;
};

}  // namespace native
