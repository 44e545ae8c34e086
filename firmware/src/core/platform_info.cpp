#include "core/platform_info.hpp"

#include <cstring>

namespace core {
namespace {

// Listen timeout: Electron 5 min, Photon/P1 none (START_LISTENING_TIMER_MS).
// Monolithic bounds: user_mono at 0x08020000, 0x60000 bytes, on all three.
constexpr PlatformInfo kPlatforms[] = {
    {6, "photon", "Photon", true, 0, 0x60000},
    {8, "p1", "P1", true, 0, 0x60000},
    {10, "electron", "Electron", false, 300000, 0x60000},
};

}  // namespace

const PlatformInfo* platform_by_id(std::uint16_t id) {
    for (const auto& p : kPlatforms)
        if (p.id == id) return &p;
    return nullptr;
}

const PlatformInfo* platform_by_name(const char* name) {
    for (const auto& p : kPlatforms)
        if (std::strcmp(p.name, name) == 0) return &p;
    return nullptr;
}

}  // namespace core
