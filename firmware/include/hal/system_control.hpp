#pragma once
#include <cstdint>

namespace hal {

enum class BootMode : std::uint8_t { normal, safe };

// Reset control plus what survives a reset: the boot mode requested for the next start and
// the RTC backup register where Device OS keeps the "listen on startup" flag.
class SystemControl {
public:
    virtual ~SystemControl() = default;
    virtual void reset(BootMode next) = 0;
    virtual std::uint32_t listen_flag_register() = 0;
    virtual void set_listen_flag_register(std::uint32_t value) = 0;
};

}  // namespace hal
