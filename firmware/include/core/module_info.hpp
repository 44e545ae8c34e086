#pragma once
// The module prefix every Particle firmware image carries (module-format.md §2) and what
// the running image says about itself.
#include <cstddef>
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

// What follows the product data at the end of a module (module_info_suffix_t, §4); the
// CRC-32 after it is stored big-endian.
struct __attribute__((packed)) ModuleSuffix {
    std::uint16_t reserved;
    std::uint8_t sha256[32];       // of every byte before this field
    std::uint16_t size;            // suffix plus the 4 bytes of product data
};
static_assert(sizeof(ModuleSuffix) == 36, "module_info_suffix_t is 36 bytes");
constexpr std::uint16_t kModuleSuffixSize = sizeof(ModuleSuffix) + 4;

// Device OS 2.3.1 system module version: the protocol level this firmware implements.
constexpr std::uint16_t kModuleVersion = 2302;

// Whether the backend could check the running image's CRC-32, and what it found.
enum class ImageIntegrity : std::uint8_t { unchecked, intact, corrupt };

struct RunningImage {
    ModulePrefix prefix;
    ImageIntegrity integrity;      // unchecked where there is no image in memory (native)
    std::uint32_t slot_size;       // bounds of the slot the image runs from
    std::uint32_t slot_start;      // 0 when the target has no flash address space (native)
    std::uint16_t product_id;
    std::uint16_t product_version;
    bool has_sha;                  // the image carries a suffix: `s` reports its SHA-256 as "u"
    std::uint8_t sha256[32];
};

// Checks Device OS performs on a module that the target can actually perform; returns the
// (checked, passed) masks. Integrity comes from the backend's CRC verdict.
struct ModuleChecks {
    std::uint8_t checked;
    std::uint8_t passed;
};
ModuleChecks check_running_image(const RunningImage& image, std::uint16_t platform_id);

// A module of `length` bytes up to its CRC (module_end - module_start) followed by the
// CRC-32 of those bytes, stored big-endian (module-format.md §6.1).
bool module_crc_matches(const std::uint8_t* module, std::size_t length);

char function_letter(std::uint8_t function);

}  // namespace core
