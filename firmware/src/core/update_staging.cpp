#include "core/update_staging.hpp"

#include <cstring>

#include "core/reply_buffer.hpp"

namespace core {
namespace {

class StoreBytes final : public ByteSource {
public:
    explicit StoreBytes(hal::UpdateStore& store) : store_(store) {}
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        return store_.read(offset, dst, len);
    }

private:
    hal::UpdateStore& store_;
};

}  // namespace

bool UpdateStaging::begin(const char* /*name*/, std::uint32_t size) {
    receiving_ = false;
    size_ = size;
    if (!store_) {
        log_.event("update", "refused: this target has no update store");
        return false;
    }
    if (size == 0 || size > store_->capacity()) {
        report("refused: size out of range", 0, nullptr);
        return false;
    }
    if (!store_->begin(size)) {
        log_.event("update", "refused: the update store cannot be erased");
        return false;
    }
    receiving_ = true;
    return true;
}

bool UpdateStaging::write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) {
    // The last block's padding past the announced size is dropped; a whole block past it
    // means the sender is sending something else than it announced.
    if (!receiving_ || offset >= size_) return false;
    const std::size_t n = len < size_ - offset ? len : size_ - offset;
    return store_->write(offset, data, n);
}

int UpdateStaging::finish(std::uint32_t size) {
    const bool receiving = receiving_;
    receiving_ = false;
    // Only the file being received is checked: after abort(), a refused header or a failed
    // finish() the store holds a dropped file, which must never be queued for installation.
    if (!store_ || !receiving || size != size_) return update_error::validation_failed;
    StoreBytes bytes(*store_);
    CheckedModule module;
    const int code = check_module(bytes, size, target_, &module);
    if (code != 0) {
        report("refused", code, &module);
        return code;
    }
    if (!store_->queue_install(module.length)) {
        log_.event("update", "refused: the install could not be queued");
        return update_error::validation_failed;
    }
    report("staged", 0, &module);
    return 0;
}

void UpdateStaging::abort() {
    if (store_) store_->discard();
    if (receiving_) log_.event("update", "transfer ended without a file; nothing staged");
    receiving_ = false;
}

// "staged: monolithic v2302 for platform 6, 55552 bytes, product 1234 v3"
// "refused: -1360 not for this platform (platform 10, module 3 at 0x08020000)"
void UpdateStaging::report(const char* what, int code, const CheckedModule* module) {
    FixedText<160> line;
    line.text(what);
    if (code != 0) {
        line.text(": ");
        line.signed_decimal(code);
        line.byte(' ');
        line.text(update_error_name(code));
    }
    if (module && code != update_error::module_not_found) {
        line.text(code ? " (function " : ": function ");
        line.decimal(module->prefix.function);
        line.text(" v");
        line.decimal(module->prefix.version);
        line.text(", platform ");
        line.decimal(module->prefix.platform_id);
        line.text(", ");
        line.decimal(module->length);
        line.text(" bytes, product ");
        line.decimal(module->product_id);
        line.text(" v");
        line.decimal(module->product_version);
        if (code) line.byte(')');
    } else if (!module) {
        line.text(" (");
        line.decimal(size_);
        line.text(" bytes announced, room for ");
        line.decimal(store_ ? store_->capacity() : 0);
        line.byte(')');
    }
    char text[FixedText<160>::kCapacity + 1];
    std::memcpy(text, line.data(), line.size());
    text[line.size()] = '\0';
    log_.event("update", text);
}

}  // namespace core
