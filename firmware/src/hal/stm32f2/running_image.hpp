#pragma once
// The module this firmware runs as: its prefix and suffix as linked (module_prefix.cpp,
// module_suffix.cpp) and what the image in flash says about itself.
#include "core/module_info.hpp"
#include "core/platform_info.hpp"

namespace stm32f2 {

const core::ModulePrefix& running_prefix();
std::uint16_t image_product_id();
std::uint16_t image_product_version();
void image_sha256(std::uint8_t out[32]);

// Fills `image` from the linked module info and verifies the image's CRC-32 in flash.
void read_running_image(const core::PlatformInfo& platform, core::RunningImage& image);

}  // namespace stm32f2
