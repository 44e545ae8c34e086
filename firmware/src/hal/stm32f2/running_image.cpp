#include "running_image.hpp"

extern "C" char link_module_start[];

namespace stm32f2 {

void read_running_image(const core::PlatformInfo& platform, core::RunningImage& image) {
    const core::ModulePrefix& prefix = running_prefix();
    image.prefix = prefix;
    image.slot_start = reinterpret_cast<std::uint32_t>(link_module_start);
    image.slot_size = platform.monolithic_max_size;
    image.product_id = image_product_id();
    image.product_version = image_product_version();
    image_sha256(image.sha256);
    image.has_sha = true;
    // Device OS checks a module's CRC before running it (module-format.md §10.2). A
    // monolithic image has no one to check it but itself; the bytes are read from flash,
    // so a corrupted image reports the failed check in `s`. The range test keeps the read
    // within the slot when the prefix itself is damaged.
    const std::uint32_t length = prefix.end_address - prefix.start_address;
    const bool in_slot = prefix.end_address > prefix.start_address &&
                         length <= platform.monolithic_max_size - 4;
    image.integrity =
        in_slot && core::module_crc_matches(
                       reinterpret_cast<const std::uint8_t*>(prefix.start_address), length)
            ? core::ImageIntegrity::intact
            : core::ImageIntegrity::corrupt;
}

}  // namespace stm32f2
