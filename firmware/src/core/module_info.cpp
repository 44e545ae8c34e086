#include "core/module_info.hpp"

#include "core/crc32.hpp"

namespace core {

ModuleChecks check_running_image(const RunningImage& image, std::uint16_t platform_id) {
    ModuleChecks r{0, 0};
    const ModulePrefix& p = image.prefix;
    r.checked |= module_check::platform;
    if (p.platform_id == platform_id) r.passed |= module_check::platform;
    // A monolithic image depends on nothing; anything else would need a module it lacks.
    r.checked |= module_check::dependencies;
    if (p.dependency.function == 0 && p.dependency2.function == 0)
        r.passed |= module_check::dependencies;
    if (image.slot_start != 0) {
        r.checked |= module_check::range;
        const std::uint32_t end = image.slot_start + image.slot_size;
        if (p.start_address == image.slot_start && p.end_address > p.start_address &&
            p.end_address <= end)
            r.passed |= module_check::range;
    }
    if (image.integrity != ImageIntegrity::unchecked) {
        r.checked |= module_check::integrity;
        if (image.integrity == ImageIntegrity::intact) r.passed |= module_check::integrity;
    }
    return r;
}

bool module_crc_matches(const std::uint8_t* module, std::size_t length) {
    const std::uint8_t* s = module + length;
    const std::uint32_t stored = static_cast<std::uint32_t>(s[0]) << 24 |
                                 static_cast<std::uint32_t>(s[1]) << 16 |
                                 static_cast<std::uint32_t>(s[2]) << 8 | s[3];
    return crc32(module, length) == stored;
}

char function_letter(std::uint8_t function) {
    static const char letters[] = "nrbmsu_ca";
    return function < sizeof letters - 1 ? letters[function] : '_';
}

}  // namespace core
