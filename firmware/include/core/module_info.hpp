#pragma once
// The module prefix every Particle firmware image carries (module-format.md §2) and what
// the running image says about itself.
#include <cstdint>

namespace core {

enum class ModuleFunction : std::uint8_t {
    none = 0, resource = 1, bootloader = 2, monolithic = 3, system_part = 4, user_part = 5,
};

// Validation bits reported as vc/vv by the `s` command.
namespace module_check {
constexpr std::uint8_t integrity = 0x02, dependencies = 0x04, range = 0x08, platform = 0x10;
}

struct __attribute__((packed)) ModuleDependency {
    std::uint8_t function;
    std::uint8_t index;
    std::uint16_t version;
};

struct __attribute__((packed)) ModulePrefix {
    std::uint32_t start_address;
    std::uint32_t end_address;     // where the CRC-32 begins
    std::uint8_t reserved;
    std::uint8_t flags;
    std::uint16_t version;
    std::uint16_t platform_id;
    std::uint8_t function;
    std::uint8_t index;
    ModuleDependency dependency;
    ModuleDependency dependency2;
};
static_assert(sizeof(ModulePrefix) == 24, "module_info_t is 24 bytes");

// Device OS 2.3.1 system module version: the protocol level this firmware implements.
constexpr std::uint16_t kModuleVersion = 2302;

struct RunningImage {
    ModulePrefix prefix;
    std::uint32_t slot_size;       // bounds of the slot the image runs from
    std::uint32_t slot_start;      // 0 when the target has no flash address space (native)
    std::uint16_t product_id;
    std::uint16_t product_version;
};

// Checks Device OS performs on a module that the target can actually perform; returns the
// (checked, passed) masks. Integrity (CRC) is the backend's to add.
struct ModuleChecks {
    std::uint8_t checked;
    std::uint8_t passed;
};
ModuleChecks check_running_image(const RunningImage& image, std::uint16_t platform_id);

char function_letter(std::uint8_t function);

}  // namespace core
