#pragma once
// The virtual device's factory identity, kept in `identity.txt` in its state directory
// (key=value lines). Created with random values on first start unless the host wrote it.
#include "core/platform_info.hpp"
#include "hal/identity.hpp"

namespace native {

bool load_or_create_identity(const char* path, const core::PlatformInfo& platform,
                             hal::Identity* identity);

}  // namespace native
