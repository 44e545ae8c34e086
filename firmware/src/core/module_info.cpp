#include "core/module_info.hpp"

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
    return r;
}

char function_letter(std::uint8_t function) {
    static const char letters[] = "nrbmsu_ca";
    return function < sizeof letters - 1 ? letters[function] : '_';
}

}  // namespace core
