#pragma once
// The system around the setup protocols: boot (configuration, identity, product store),
// when listening mode starts and ends, and the console while it runs.
#include <cstdint>

#include "core/config_store.hpp"
#include "core/console_context.hpp"
#include "core/device_config.hpp"
#include "core/listening_mode.hpp"
#include "core/setup_console.hpp"
#include "hal/clock.hpp"
#include "hal/event_log.hpp"
#include "hal/storage.hpp"
#include "hal/system_control.hpp"

namespace core {

struct Board {
    const PlatformInfo& platform;
    hal::ConsolePort& console;
    hal::Storage& storage;
    hal::Clock& clock;
    hal::SystemControl& system;
    hal::EventLog& log;
    const hal::Identity& identity;
    hal::Radio* radio;                 // nullptr without Wi-Fi
    const RunningImage& image;
    std::uint32_t listen_timeout_ms;   // usually platform.listen_timeout_ms
};

enum class ListenReason : std::uint8_t { no_credentials, host_request, startup_flag };

class Device final : public ConsoleActions {
public:
    // Device OS's "listen on startup" marker in the backup register (system_update.cpp).
    static constexpr std::uint32_t kStartupListenFlag = 0x5A1B;

    explicit Device(const Board& board);

    void boot(hal::BootMode mode);
    // One pass of the system loop.
    void step();
    // Ways in from outside the console: the 28800-baud line coding, WiFi.listen().
    void start_listening(ListenReason reason);

    bool listening() const { return listening_.active(); }
    bool safe_mode() const { return mode_ == hal::BootMode::safe; }
    DeviceConfig& config() { return config_; }

    // ConsoleActions
    void exit_listening() override;
    void reset_to_safe_mode_listening() override;
    std::uint32_t uptime_seconds() override;

private:
    bool has_credentials() const;

    Board board_;
    ConfigStore store_;
    DeviceConfig config_;
    ListeningMode listening_;
    ConsoleContext context_;
    SetupConsole console_;
    hal::BootMode mode_ = hal::BootMode::normal;
    std::uint32_t boot_ms_ = 0;
};

}  // namespace core
