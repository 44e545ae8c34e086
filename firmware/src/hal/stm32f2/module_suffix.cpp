// The end of the running image: product data, module_info_suffix_t and the CRC-32 slot,
// placed by the linker script's .module_end right after .data's load image
// (module-format.md §4, product-id.md §3).
#include <cstdint>

#include "running_image.hpp"

// The build passes both from platformio.ini (custom_product_id, custom_product_version);
// without them the image is what Device OS runs by default: "not a product" (product-id.md §4.1).
#ifndef HARKEN_PRODUCT_ID
#define HARKEN_PRODUCT_ID PLATFORM_ID
#endif
#ifndef HARKEN_PRODUCT_VERSION
#define HARKEN_PRODUCT_VERSION 0xFFFF
#endif
static_assert(HARKEN_PRODUCT_ID >= 0 && HARKEN_PRODUCT_ID <= 0xFFFF, "product ids are u16");
static_assert(HARKEN_PRODUCT_VERSION >= 0 && HARKEN_PRODUCT_VERSION <= 0xFFFF,
              "product firmware versions are u16");

namespace {

// Both fields, always: the image then reads like an application using PRODUCT_ID and
// PRODUCT_VERSION, and the values in it are the ones the device runs with.
__attribute__((section(".modinfo.product_id"), used)) const std::uint16_t g_product_id =
    HARKEN_PRODUCT_ID;
__attribute__((section(".modinfo.product_version"), used)) const std::uint16_t
    g_product_version = HARKEN_PRODUCT_VERSION;

// Placeholders the post-link step checks for, then overwrites: SHA-256 bytes 01..20 and
// CRC 0x12345678 stored little-endian, as Device OS's build leaves them (module-format.md
// §4.1). A byte array keeps the CRC slot free of alignment padding.
__attribute__((section(".modinfo.module_info_suffix"), used)) const core::ModuleSuffix g_suffix = {
    0,
    {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
     0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20},
    core::kModuleSuffixSize};
__attribute__((section(".modinfo.module_info_crc"), used)) const std::uint8_t g_crc[4] = {
    0x78, 0x56, 0x34, 0x12};

}  // namespace

namespace stm32f2 {

// Read from flash, not folded from the initialisers: `harken binary stamp` rewrites these bytes
// (and the SHA) after the build, and the image must report what it carries.
std::uint16_t image_product_id() { return *static_cast<const volatile std::uint16_t*>(&g_product_id); }
std::uint16_t image_product_version() {
    return *static_cast<const volatile std::uint16_t*>(&g_product_version);
}
void image_sha256(std::uint8_t out[32]) {
    const volatile std::uint8_t* sha = g_suffix.sha256;
    for (int i = 0; i < 32; ++i) out[i] = sha[i];
}

}  // namespace stm32f2
