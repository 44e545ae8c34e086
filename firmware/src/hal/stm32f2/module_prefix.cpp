// The module prefix of the running image, placed right after the vector table (0x184),
// where the bootloader and Particle's host tools look for it (module-format.md §1.1).
#include "running_image.hpp"

#include "core/platform_info.hpp"

extern "C" char link_module_start[], link_module_end[];

namespace {

// Same layout as core::ModulePrefix, with the addresses filled in by the linker.
struct __attribute__((packed)) LinkedPrefix {
    const void* start;
    const void* end;
    std::uint8_t reserved, flags;
    std::uint16_t version, platform_id;
    std::uint8_t function, index;
    core::ModuleDependency dependency, dependency2;
};
static_assert(sizeof(LinkedPrefix) == sizeof(core::ModulePrefix), "module_info_t layout");

__attribute__((section(".modinfo.module_info"), used)) const LinkedPrefix g_prefix = {
    link_module_start, link_module_end, 0, 0, core::kModuleVersion, PLATFORM_ID,
    static_cast<std::uint8_t>(core::ModuleFunction::monolithic), 0, {}, {}};

}  // namespace

namespace stm32f2 {

const core::ModulePrefix& running_prefix() {
    return *reinterpret_cast<const core::ModulePrefix*>(&g_prefix);
}

}  // namespace stm32f2
