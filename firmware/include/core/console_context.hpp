#pragma once
// Everything the listening-mode console reads or acts on, handed in by the device.
#include <cstdint>

#include "core/device_config.hpp"
#include "core/module_info.hpp"
#include "core/network_join.hpp"
#include "core/platform_info.hpp"
#include "hal/identity.hpp"
#include "hal/radio.hpp"

namespace core {

// System-level effects of console commands.
class ConsoleActions {
public:
    virtual ~ConsoleActions() = default;
    virtual void exit_listening() = 0;                 // `x`, and a saved `w` dialogue
    virtual void reset_to_safe_mode_listening() = 0;   // `L`
    virtual std::uint32_t uptime_seconds() = 0;        // `d`
    virtual void credentials_changed() = 0;            // a `w` dialogue stored a profile
    // `f` (first_byte -1), or a bare SOH/STX that starts a YMODEM packet: the port is the
    // receiver's from here until the transfer ends.
    virtual void receive_firmware(int first_byte) = 0;
};

struct ConsoleContext {
    const PlatformInfo& platform;
    const hal::Identity& identity;
    DeviceConfig& config;
    const RunningImage& image;
    ModuleChecks image_checks;
    hal::Radio* radio;             // nullptr on the Electron
    const NetworkJoin& join;       // `j`: the latched outcome of the last join
    ConsoleActions& actions;
};

// Device OS's system version string; hosts read the version before any '+'.
constexpr const char* kSystemVersion = "2.3.1+harken.0.1.0";

}  // namespace core
