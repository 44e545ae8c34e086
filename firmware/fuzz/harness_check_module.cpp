// Module validation (core::check_module) over arbitrary bytes and targets: the verdict is
// always one of Device OS's codes, the file is never read outside its size, and what a
// passing module reports agrees with the target.
#include "core/crc32.hpp"
#include "core/update_validation.hpp"
#include "fuzz_support.hpp"

namespace {

namespace err = core::update_error;

class Bytes final : public core::ByteSource {
public:
    const std::uint8_t* data = nullptr;
    std::uint32_t size = 0;      // what the caller said the file holds
    std::size_t have = 0;        // bytes really there (a file may be shorter than claimed)
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        FUZZ_CHECK(dst != nullptr);
        FUZZ_CHECK(offset <= size && len <= size - offset);   // never past the file
        if (offset > have || len > have - offset) return false;
        std::memcpy(dst, data + offset, len);
        return true;
    }
};

bool known(int code) {
    switch (code) {
        case 0: case err::module_not_found: case err::unsupported_module:
        case err::validation_failed: case err::integrity: case err::dependency:
        case err::address: case err::platform:
            return true;
        default:
            return false;
    }
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t flags = in.byte();
    core::ModulePrefix installed{};
    const std::uint8_t* p;
    if (in.take(sizeof installed, &p) == sizeof installed) std::memcpy(&installed, p, sizeof installed);
    core::UpdateTarget target{};
    // Mostly the real targets, so the fuzzer spends its time past the platform check.
    static const std::uint16_t kPlatforms[] = {6, 8, 10, 0};
    target.platform_id = flags & 0x40 ? in.u16() : kPlatforms[flags & 3];
    target.slot = flags & 0x80 ? hal::FlashSlot{in.u32(), in.u32()}
                               : hal::FlashSlot{0x08020000, 0x60000};
    target.installed = flags & 4 ? &installed : nullptr;
    target.product_id = flags & 8 ? in.u16() : core::kNoProduct;
    const bool seal = in.byte() & 1;
    Bytes file;
    file.data = in.rest(&file.have);
    // Sealing puts the CRC-32 where the prefix says the module ends, so inputs get past the
    // integrity check to the ones after it (a fuzzer rarely guesses a CRC).
    static std::uint8_t sealed[1 << 20];
    if (seal && file.have >= 4 && file.have <= sizeof sealed) {
        std::memcpy(sealed, file.data, file.have);
        const std::uint32_t word = sealed[0] | sealed[1] << 8 | sealed[2] << 16 |
                                   static_cast<std::uint32_t>(sealed[3]) << 24;
        const std::size_t at = (word & 0x2FF10000u) == 0x20000000u ? 0x184 : 0;
        core::ModulePrefix prefix{};
        if (file.have >= at + sizeof prefix) {
            std::memcpy(&prefix, sealed + at, sizeof prefix);
            const std::uint32_t end = prefix.end_address - prefix.start_address;
            if (prefix.end_address > prefix.start_address && end <= file.have - 4) {
                const std::uint32_t crc = core::crc32(sealed, end);
                for (int i = 0; i < 4; ++i)
                    sealed[end + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
            }
        }
        file.data = sealed;
    }
    file.size = static_cast<std::uint32_t>(file.have);
    if (flags & 0x10) file.size += flags & 0x20 ? 0x10000u : 4u;   // a file cut short
    if (flags & 0x20 && !(flags & 0x10) && file.size) file.size -= 1;

    fuzz::NoHeap no_heap;
    core::CheckedModule out;
    const int code = core::check_module(file, file.size, target, &out);
    FUZZ_CHECK(known(code));
    FUZZ_CHECK(core::update_error_name(code) != nullptr);
    if (code == 0) {
        FUZZ_CHECK(out.length <= file.size && out.length >= sizeof(core::ModulePrefix));
        FUZZ_CHECK((out.passed & out.checked) == out.checked);
        FUZZ_CHECK(out.prefix.platform_id == target.platform_id);
    }
}

}  // namespace

HARKEN_FUZZ_HARNESS("check_module", nullptr, run);
