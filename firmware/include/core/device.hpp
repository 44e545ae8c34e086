#pragma once
// The system around the setup protocols: boot (configuration, identity, product store),
// when listening mode starts and ends, and the console while it runs.
#include <cstdint>

#include "core/bench_lines.hpp"
#include "core/boot_button.hpp"
#include "core/config_store.hpp"
#include "core/console_context.hpp"
#include "core/device_config.hpp"
#include "core/device_key.hpp"
#include "core/listening_mode.hpp"
#include "core/network_join.hpp"
#include "core/setup_console.hpp"
#include "core/setup_button.hpp"
#include "core/softap_server.hpp"
#include "core/status_led.hpp"
#include "core/test_mode.hpp"
#include "core/test_pads_gate.hpp"
#include "core/update_staging.hpp"
#include "core/ymodem_receiver.hpp"
#include "hal/clock.hpp"
#include "hal/entropy.hpp"
#include "hal/event_log.hpp"
#include "hal/setup_listener.hpp"
#include "hal/storage.hpp"
#include "hal/status_ui.hpp"
#include "hal/system_control.hpp"
#include "hal/update_store.hpp"

namespace core {

struct Board {
    const PlatformInfo& platform;
    hal::ConsolePort& console;
    hal::Storage& storage;
    hal::Clock& clock;
    hal::SystemControl& system;
    hal::EventLog& log;
    const hal::Identity& identity;
    hal::Entropy& entropy;
    hal::Radio* radio;                 // nullptr without Wi-Fi
    hal::SetupListener* setup_ap;      // the SoftAP's servers; nullptr without
    const RunningImage& image;
    std::uint32_t listen_timeout_ms;   // usually platform.listen_timeout_ms
    hal::ModeButton* button = nullptr;             // the SETUP button; nullptr: none
    hal::RgbLed* led = nullptr;                    // the status LED; nullptr: none
    led::LedWatcher* led_watcher = nullptr;        // told what the LED shows
    bench::UiReport* ui_report = nullptr;          // told the button's events and the mode
    hal::UpdateStore* updates = nullptr;           // nullptr: firmware files are refused
    // The manufacturing test pads (protocol/test-mode.md): a UART of their own, or the
    // console itself on a board whose only UART is both; nullptr: no test mode.
    hal::ConsolePort* test_pads = nullptr;
};

enum class ListenReason : std::uint8_t {
    no_credentials, host_request, startup_flag, join_failed, setup_button
};

class Device final : public ConsoleActions, public SetupActions, public button::ButtonActions,
                     public YmodemActions {
public:
    // Device OS's "listen on startup" marker in the backup register (system_update.cpp).
    static constexpr std::uint32_t kStartupListenFlag = 0x5A1B;
    // After a SoftAP join succeeds the AP stays up this long so the host can read the
    // outcome (connect-status), and a moment longer once it has been read.
    static constexpr std::uint32_t kReportWindowMs = 10000;
    static constexpr std::uint32_t kReportedLingerMs = 500;
    // Device OS keeps retrying stored credentials that were not just changed.
    static constexpr std::uint32_t kRejoinDelayMs = 10000;
    // The Electron's double click shows POWER_OFF this long before the device goes dark.
    static constexpr std::uint32_t kPowerOffMs = 1000;

    // Where the device is between resets: the bootloader's button hold, the system, DFU
    // (yellow, until reset: no DFU transport yet), or soft power-off (dark, until reset).
    enum class Stage : std::uint8_t { bootloader, running, dfu, off };

    explicit Device(const Board& board);

    void boot(hal::BootMode mode);
    // One pass of the system loop.
    void step();
    // Ways in from outside the console: the 28800-baud line coding, WiFi.listen().
    void start_listening(ListenReason reason);

    bool listening() const { return listening_.active(); }
    // The manufacturing test mode (protocol/test-mode.md): from the preamble until a reset.
    bool test_mode() const { return test_mode_.active(); }
    bool safe_mode() const { return mode_ == hal::BootMode::safe; }
    Stage stage() const { return stage_; }
    const led::StatusLed& status_led() const { return led_; }
    // How long until the button's or the LED's next tick, or a test-mode timer (a frame to
    // time out, a join to look at, a reset), is due (0: now): a loop that sleeps between
    // passes wakes then, so none runs late.
    std::uint32_t ms_until_tick() const;
    // Report the mode and what the LED shows again, for a bench that just connected.
    void announce_ui();
    DeviceConfig& config() { return config_; }
    const JoinOutcome& join_outcome() const { return join_.outcome(); }
    // The setup AP's SSID ("" until listening mode first starts it).
    const char* setup_ssid() const { return setup_ssid_; }

    // ConsoleActions
    void exit_listening() override;
    void reset_to_safe_mode_listening() override;
    std::uint32_t uptime_seconds() override;
    // ConsoleActions and SetupActions
    void credentials_changed() override { credentials_changed_ = true; }
    void receive_firmware(int first_byte) override;

    // SetupActions
    void connect_requested() override;
    void outcome_reported() override;

    // ButtonActions (exit_listening is shared with the console)
    bool listening() override { return listening_.active(); }
    bool updating() override { return ymodem_.active(); }
    void enter_listening() override { start_listening(ListenReason::setup_button); }
    void clear_credentials() override;
    void status(std::uint32_t held_ms) override { report_button("status", held_ms); }
    void click(std::uint8_t clicks) override { report_button("click", clicks); }
    void final_click(std::uint8_t clicks) override;

    // YmodemActions
    void restart_for_update() override;

private:
    void start_system(hal::BootMode mode);
    void step_button(std::uint32_t now);
    void step_bootloader(bool pressed, std::uint32_t now);
    void finish_bootloader(std::uint32_t now);
    void show_system_state();
    void report_button(const char* event, std::uint32_t value);
    void report_mode();
    bool has_credentials() const;
    void leave_listening(bool join);
    void start_setup_ap();
    void step_network();
    void step_system();
    void watch_test_pads(std::uint32_t now);
    void enter_test_mode(std::uint32_t now);
    bool shared_test_pads() const { return board_.test_pads == &board_.console; }

    Board board_;
    ConfigStore store_;
    DeviceConfig config_;
    DeviceKey key_;
    NetworkJoin join_;
    ListeningMode listening_;
    ConsoleContext context_;
    // Every byte from the test pads passes the gate; where the pads are the console, so do
    // the console's (console_in_), and the console goes quiet once test mode has begun.
    TestPadsGate gate_;
    hal::ConsolePort& console_in_;
    SetupConsole console_;
    SoftApContext softap_context_;
    SoftApServer softap_;              // runs only with a setup AP (Photon, P1)
    UpdateStaging staging_;
    YmodemReceiver ymodem_;            // owns the console while a transfer runs
    hal::BootMode mode_ = hal::BootMode::normal;
    std::uint32_t boot_ms_ = 0;
    bool credentials_changed_ = false;  // in this listening session
    bool leave_scheduled_ = false;      // a SoftAP join succeeded: leave at leave_at_ms_
    std::uint32_t leave_at_ms_ = 0;
    std::uint32_t rejoin_at_ms_ = 0;
    bool rejoin_pending_ = false;
    char setup_ssid_[33] = {};
    led::StatusLed led_;
    TestMode test_mode_;
    button::SetupButton button_;
    button::BootButton boot_button_{false};  // no factory image on any harken target yet
    Stage stage_ = Stage::running;
    std::uint32_t next_button_tick_ = 0;
    std::uint32_t power_off_at_ = 0;
    bool powering_off_ = false;
    bool reset_settings_ = false;     // the boot hold asked for the Wi-Fi profiles to go
    bool held_through_boot_ = false;  // the button is still down from the bootloader's hold
    const char* reported_mode_ = nullptr;
};

}  // namespace core
