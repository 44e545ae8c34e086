#pragma once
// The YMODEM receiver's sink on a device that can update itself: stages the file in the
// update store, checks it once the batch ends and queues it for installation at reset. A
// file that fails anywhere is dropped and the running image stays.
#include <cstdint>

#include "core/update_validation.hpp"
#include "core/ymodem_receiver.hpp"
#include "hal/event_log.hpp"
#include "hal/update_store.hpp"

namespace core {

class UpdateStaging final : public FileSink {
public:
    // `store` nullptr: the target has no update path, and every file is refused at its header.
    UpdateStaging(hal::UpdateStore* store, hal::EventLog& log) : store_(store), log_(log) {}

    // What images must be built for; set at every boot (the product can change).
    void set_target(const UpdateTarget& target) { target_ = target; }
    // A file is being received (header accepted, batch not yet ended or failed).
    bool receiving() const { return receiving_; }

    bool begin(const char* name, std::uint32_t size) override;
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override;
    int finish(std::uint32_t size) override;
    void abort() override;

private:
    void report(const char* what, int code, const CheckedModule* module);

    hal::UpdateStore* store_;
    hal::EventLog& log_;
    UpdateTarget target_{};
    std::uint32_t size_ = 0;
    bool receiving_ = false;
};

}  // namespace core
