#include "core/update_validation.hpp"

#include <cstring>

#include "core/crc32.hpp"
#include "core/le_bytes.hpp"

namespace core {
namespace {

constexpr std::uint32_t kVectorTableSize = 0x184;
// The product fields sit in front of the suffix; a suffix that counts them says they exist.
constexpr std::uint32_t kProductFieldsSize = 4;

bool crc_matches(ByteSource& file, std::uint32_t length) {
    std::uint8_t chunk[256];
    std::uint32_t crc = 0;
    for (std::uint32_t at = 0; at < length;) {
        const std::uint32_t n = length - at < sizeof chunk ? length - at : sizeof chunk;
        if (!file.read(at, chunk, n)) return false;
        crc = crc32(chunk, n, crc);
        at += n;
    }
    std::uint8_t stored[4];
    if (!file.read(length, stored, sizeof stored)) return false;
    return crc == (static_cast<std::uint32_t>(stored[0]) << 24 |
                   static_cast<std::uint32_t>(stored[1]) << 16 |
                   static_cast<std::uint32_t>(stored[2]) << 8 | stored[3]);
}

bool is_product(std::uint16_t id, std::uint16_t platform_id) {
    return id != kNoProduct && id != platform_id;
}

bool dependency_met(const ModuleDependency& d, const ModulePrefix& module,
                    const ModulePrefix* installed) {
    if (d.function == 0) return true;
    // Device OS accepts a user part whose system is too old (it then runs in safe mode).
    if (module.function == static_cast<std::uint8_t>(ModuleFunction::user_part)) return true;
    return installed && d.function == installed->function && d.index == installed->index &&
           d.version <= installed->version;
}

void read_suffix(ByteSource& file, std::uint32_t module_length, CheckedModule* out) {
    out->product_id = out->product_version = kNoProduct;
    std::memset(out->sha256, 0, sizeof out->sha256);
    std::uint8_t tail[kProductFieldsSize + sizeof(ModuleSuffix)];
    if (module_length < sizeof(ModulePrefix) + sizeof tail ||
        !file.read(module_length - sizeof tail, tail, sizeof tail))
        return;
    const std::uint8_t* suffix = tail + kProductFieldsSize;
    const std::uint16_t suffix_size = le16(suffix + 34);
    if (suffix_size < sizeof(ModuleSuffix)) return;
    std::memcpy(out->sha256, suffix + 2, sizeof out->sha256);
    if (suffix_size < kModuleSuffixSize) return;
    out->product_id = le16(tail);
    out->product_version = le16(tail + 2);
}

}  // namespace

int check_module(ByteSource& file, std::uint32_t size, const UpdateTarget& target,
                 CheckedModule* out) {
    std::memset(out, 0, sizeof *out);
    std::uint8_t word[4];
    if (size < sizeof word || !file.read(0, word, sizeof word))
        return update_error::module_not_found;
    // An initial stack pointer in SRAM means a vector table comes first.
    const std::uint32_t at = (le32(word) & 0x2FF10000u) == 0x20000000u ? kVectorTableSize : 0;
    if (size < at + sizeof(ModulePrefix) ||
        !file.read(at, reinterpret_cast<std::uint8_t*>(&out->prefix), sizeof out->prefix))
        return update_error::module_not_found;
    const ModulePrefix& p = out->prefix;
    if (p.end_address <= p.start_address) return update_error::module_not_found;
    const std::uint32_t module_length = p.end_address - p.start_address;
    if (module_length < at + sizeof(ModulePrefix) || module_length > size - 4)
        return update_error::module_not_found;
    out->length = module_length + 4;
    read_suffix(file, module_length, out);

    using namespace module_check;
    out->checked = integrity | dependencies | range | platform | product;
    if (crc_matches(file, module_length)) out->passed |= integrity;
    if (dependency_met(p.dependency, p, target.installed) &&
        dependency_met(p.dependency2, p, target.installed))
        out->passed |= dependencies;
    // harken's images are monolithic: that is the only slot there is to install into.
    if (p.function == static_cast<std::uint8_t>(ModuleFunction::monolithic) && p.index == 0 &&
        p.start_address == target.slot.start && out->length <= target.slot.size)
        out->passed |= range;
    if (p.platform_id == target.platform_id) out->passed |= platform;
    // An image built for one product must not turn a device of another product into it.
    if (!(is_product(out->product_id, target.platform_id) &&
          is_product(target.product_id, target.platform_id) &&
          out->product_id != target.product_id))
        out->passed |= product;

    if (!(out->passed & integrity)) return update_error::integrity;
    if (!(out->passed & dependencies)) return update_error::dependency;
    if (!(out->passed & range)) return update_error::address;
    if (!(out->passed & platform)) return update_error::platform;
    if (!(out->passed & product)) return update_error::validation_failed;
    // Device OS's Gen 2 bootloader cannot install these forms.
    constexpr std::uint8_t kDropModuleInfo = 0x01, kCompressed = 0x02, kCombined = 0x04;
    if (p.flags & (kDropModuleInfo | kCompressed | kCombined)) return update_error::unsupported_module;
    return 0;
}

const char* update_error_name(int code) {
    switch (code) {
        case 0: return "valid";
        case update_error::module_not_found: return "no module found";
        case update_error::unsupported_module: return "unsupported module";
        case update_error::validation_failed: return "for another product";
        case update_error::integrity: return "integrity check failed";
        case update_error::dependency: return "dependency check failed";
        case update_error::address: return "not for this slot";
        case update_error::platform: return "not for this platform";
        default: return "validation failed";
    }
}

}  // namespace core
