#include "semihosted_update_store.hpp"

#include "../stm32f2/reset_control.hpp"
#include "semihosting.hpp"

namespace qemu {

bool SemihostedUpdateStore::begin(std::uint32_t size) {
    queued_ = false;
    if (size > slot_.size) return false;
    // Reopened for every transfer: "w+b" empties the file, as erasing the region would.
    if (handle_ >= 0) close_file(handle_);
    handle_ = open_file(path_, mode::create_binary);
    return handle_ >= 0;
}

bool SemihostedUpdateStore::write(std::uint32_t offset, const std::uint8_t* data,
                                  std::size_t len) {
    if (handle_ < 0 || offset > slot_.size || len > slot_.size - offset) return false;
    return write_at(handle_, offset, data, len);
}

bool SemihostedUpdateStore::read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) {
    return handle_ >= 0 && read_at(handle_, offset, dst, len);
}

bool SemihostedUpdateStore::queue_install(std::uint32_t length) {
    queued_ = handle_ >= 0 && length <= slot_.size;
    return queued_;
}

void SemihostedUpdateStore::restart_to_install() {
    // Without a queued image this is an ordinary reset.
    if (queued_) exit_emulator(kInstallExitStatus);
    stm32f2::ResetControl().reset(hal::BootMode::normal);
}

}  // namespace qemu
