#pragma once
// The checks an incoming firmware image passes before it may replace the running one: Device
// OS's OTA validation (module-format.md §10.3: integrity, dependencies, range, platform, with
// its error codes and their order) plus harken's product rule (protocol/firmware-update.md).
#include <cstddef>
#include <cstdint>

#include "core/module_info.hpp"
#include "hal/update_store.hpp"

namespace core {

// Random access to the file being checked (the OTA region, or a file on the host).
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) = 0;
};

// Device OS's system error codes for a refused update (services/inc/system_error.h).
namespace update_error {
constexpr int module_not_found = -1300, unsupported_module = -1310, validation_failed = -1320,
              integrity = -1330, dependency = -1340, address = -1350, platform = -1360;
}

// Validity bit Device OS defines for the product check and never sets on Gen 2; harken does.
namespace module_check {
constexpr std::uint8_t product = 0x20;
}

// The product id an image or a device carries when it belongs to no product.
constexpr std::uint16_t kNoProduct = 0xFFFF;

struct UpdateTarget {
    std::uint16_t platform_id;
    hal::FlashSlot slot;             // where the image must be linked to run
    const ModulePrefix* installed;   // what dependencies can name; nullptr: nothing
    std::uint16_t product_id;        // the device's product; kNoProduct or the platform id: none
};

struct CheckedModule {
    ModulePrefix prefix;
    std::uint32_t length;            // module bytes plus the CRC-32: what gets installed
    std::uint16_t product_id;        // kNoProduct when the image carries no product data
    std::uint16_t product_version;
    std::uint8_t sha256[32];         // from the suffix; zeros when it has none
    std::uint8_t checked;            // validity bits, as `s` reports them
    std::uint8_t passed;
};

// Finds the module at the start of a `size`-byte file (its prefix at +0, or at +0x184 after a
// vector table, module-format.md §1.1) and checks it. Returns 0 when every check passed, else
// the first failure's code in Device OS's order: integrity, dependencies, range, platform,
// then product (validation_failed); a file with no readable module is module_not_found.
int check_module(ByteSource& file, std::uint32_t size, const UpdateTarget& target,
                 CheckedModule* out);

// "integrity check failed" etc., for logs.
const char* update_error_name(int code);

}  // namespace core
