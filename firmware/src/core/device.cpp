#include "core/device.hpp"

namespace core {

Device::Device(const Board& board)
    : board_(board),
      store_(board.storage),
      config_(store_),
      key_(store_, board.entropy),
      join_(config_, board.radio, board.clock),
      listening_(board.listen_timeout_ms),
      context_{board.platform, board.identity, config_, board.image,
               check_running_image(board.image, board.platform.id), board.radio, join_, *this},
      gate_(board.test_pads),
      // The boards' shared UART: the console reads through the gate. YMODEM reads the port
      // itself, so a firmware image that holds the preamble (harken's does) cannot open it.
      console_in_(board.test_pads == &board.console ? static_cast<hal::ConsolePort&>(gate_)
                                                    : board.console),
      console_(console_in_, context_),
      softap_context_{board.identity, config_, board.radio, key_, join_, *this, board.log},
      softap_(board.setup_ap, board.clock, softap_context_),
      staging_(board.updates, board.log),
      ymodem_(board.console, staging_, *this),
      led_(board.led, board.led_watcher),
      test_mode_(gate_, TestModeContext{board.platform, board.identity, board.image, config_,
                                        board.radio, board.button, board.system, board.log,
                                        led_}),
      button_(*this) {}

void Device::boot(hal::BootMode mode) {
    const std::uint32_t now = board_.clock.millis();
    softap_.stop();
    ymodem_.abandon();  // a reset ends a transfer with no word to the sender
    listening_.exit();
    console_.abort();
    join_.leave();
    test_mode_.reset();  // a reset ends test mode
    gate_.reset();
    led_.clear();
    button_.reset();
    next_button_tick_ = now;
    powering_off_ = reset_settings_ = held_through_boot_ = false;
    reported_mode_ = nullptr;  // a power cycle: the mode is reported afresh
    mode_ = mode;
    // The bootloader looks at the SETUP button before anything else runs (spec §9).
    if (board_.button && board_.button->pressed()) {
        stage_ = Stage::bootloader;
        boot_button_ = button::BootButton(false);
        led_.turn_off(now);
        board_.log.event("bootloader", "setup button held");
        report_mode();
        return;
    }
    start_system(mode);
}

void Device::start_system(hal::BootMode mode) {
    stage_ = Stage::running;
    mode_ = mode;
    // Solid white from power-on until the LED service runs (spec §5).
    led_.take_over("POWER_ON", {0xFFFFFF, led::Pattern::solid, 0}, board_.clock.millis());
    led_.update(board_.clock.millis());
    report_mode();
    boot_ms_ = board_.clock.millis();
    leave_scheduled_ = rejoin_pending_ = credentials_changed_ = false;
    if (!store_.load()) board_.log.event("config", "flash unreadable; running on defaults");
    if (reset_settings_ && board_.platform.has_wifi) {
        // The bootloader's credentials-reset flag: the Wi-Fi layer forgets its profiles.
        reset_settings_ = false;
        board_.log.event("config", config_.clear_wifi_credentials()
                                       ? "Wi-Fi credentials cleared (setup button at boot)"
                                       : "could not clear the Wi-Fi credentials");
    }
    config_.save_device_id(board_.identity.device_id);
    // The running image may be new since the last boot (an installed update).
    context_.image_checks = check_running_image(board_.image, board_.platform.id);
    if (board_.updates)
        staging_.set_target({board_.platform.id, board_.updates->install_slot(),
                             &board_.image.prefix, board_.image.product_id});
    if (mode == hal::BootMode::normal) {
        // The running application's product identity is kept for safe mode (product-id.md §4.2).
        config_.store_product(board_.image.product_id, board_.image.product_version);
    }
    // Device OS makes the device key on first boot; SoftAP needs it for the passphrase.
    if (!key_.ensure()) board_.log.event("config", "no device key: SoftAP passwords unusable");
    board_.log.event("system", mode == hal::BootMode::safe ? "booted in safe mode" : "booted");
    if (mode == hal::BootMode::safe &&
        board_.system.listen_flag_register() == kStartupListenFlag) {
        board_.system.set_listen_flag_register(0);
        start_listening(ListenReason::startup_flag);
    }
    if (listening_.active()) return;
    // The system connects right after boot; without credentials that is listening mode.
    if (!has_credentials()) start_listening(ListenReason::no_credentials);
    else join_.begin();
}

bool Device::has_credentials() const {
    // Photon/P1: a stored Wi-Fi profile. Electron: a ready SIM, i.e. the modem reports one.
    if (board_.platform.has_wifi) return config_.has_wifi_credentials();
    return board_.identity.iccid[0] != '\0';
}

void Device::start_listening(ListenReason reason) {
    if (listening_.active() || stage_ != Stage::running || test_mode_.active()) return;
    join_.leave();  // listening mode takes the radio
    rejoin_pending_ = leave_scheduled_ = credentials_changed_ = false;
    listening_.enter(board_.clock.millis());
    static const char* const kReasons[] = {"entered: no credentials", "entered: host request",
                                           "entered: listen-on-startup flag",
                                           "entered: join failed after new credentials",
                                           "entered: setup button"};
    board_.log.event("listening", kReasons[static_cast<int>(reason)]);
    start_setup_ap();
}

void Device::start_setup_ap() {
    if (!board_.setup_ap) return;
    std::uint32_t random = 0;
    board_.entropy.fill(reinterpret_cast<std::uint8_t*>(&random), sizeof random);
    if (!config_.setup_ssid(random, setup_ssid_))
        board_.log.event("softap", "could not persist the setup SSID");
    if (softap_.start()) board_.log.event("softap", "up");
    else board_.log.event("softap", "cannot listen");
}

void Device::exit_listening() { leave_listening(true); }

void Device::leave_listening(bool join) {
    if (!listening_.active()) return;
    ymodem_.cancel();  // listening mode ended under a transfer (SoftAP connect, timeout)
    listening_.exit();
    console_.abort();
    leave_scheduled_ = false;
    if (softap_.running()) {
        softap_.stop();
        board_.log.event("softap", "down");
    }
    board_.log.event("listening", "exited");
    // With credentials the system connects; a join that fails after a change in this
    // session brings listening mode back (step_network).
    if (!join || !has_credentials()) return;
    if (join_.begin()) board_.log.event("network", "joining");
    else board_.log.event("network", "connecting with stored credentials");  // the modem's job
}

void Device::connect_requested() {
    // Device OS ends listening mode first and joins with the AP gone; harken joins while the
    // AP is still up so the outcome can be read back, then leaves (protocol/softap.md).
    if (!join_.begin()) {
        board_.log.event("network", "connect requested without stored credentials");
        return;
    }
    leave_scheduled_ = false;  // a success still being reported is superseded by this attempt
    board_.log.event("network", "joining (setup AP stays up)");
}

void Device::outcome_reported() {
    const std::uint32_t soon = board_.clock.millis() + kReportedLingerMs;
    if (leave_scheduled_ && static_cast<std::int32_t>(leave_at_ms_ - soon) > 0) leave_at_ms_ = soon;
}

void Device::reset_to_safe_mode_listening() {
    board_.system.set_listen_flag_register(kStartupListenFlag);
    board_.log.event("system", "reset to safe mode with listen-on-startup");
    board_.system.reset(hal::BootMode::safe);
}

std::uint32_t Device::uptime_seconds() { return (board_.clock.millis() - boot_ms_) / 1000; }

void Device::step_network() {
    const bool was_joining = join_.joining();
    join_.poll();
    const std::uint32_t now = board_.clock.millis();
    if (was_joining && !join_.joining()) {
        const bool joined = join_.outcome().state == JoinState::connected;
        board_.log.event("network", joined ? "joined" : "join failed");
        if (listening_.active()) {
            // A SoftAP connect-ap: stay in listening mode on failure, leave after success.
            if (joined) {
                leave_scheduled_ = true;
                leave_at_ms_ = now + kReportWindowMs;
            }
        } else if (!joined && credentials_changed_) {
            start_listening(ListenReason::join_failed);
        } else if (!joined) {
            rejoin_pending_ = true;
            rejoin_at_ms_ = now + kRejoinDelayMs;
        }
    }
    if (rejoin_pending_ && !listening_.active() &&
        static_cast<std::int32_t>(now - rejoin_at_ms_) >= 0) {
        rejoin_pending_ = false;
        join_.begin();
    }
    if (leave_scheduled_ && static_cast<std::int32_t>(now - leave_at_ms_) >= 0)
        leave_listening(false);  // already joined
}

void Device::step() {
    const std::uint32_t now = board_.clock.millis();
    step_button(now);
    if (stage_ == Stage::running && test_mode_.active()) {
        test_mode_.step(now);  // the station owns the radio, the LED and the button
        // The USB serial still belongs to the application, which reads nothing.
        if (!shared_test_pads()) {
            while (board_.console.read() >= 0) {
            }
        }
    } else if (stage_ == Stage::running) {
        step_system();
        watch_test_pads(now);
        if (powering_off_ && static_cast<std::int32_t>(now - power_off_at_) >= 0) {
            powering_off_ = false;
            leave_listening(false);
            join_.leave();
            stage_ = Stage::off;
            led_.turn_off(now);
            board_.log.event("system", "soft power-off");
        }
    } else {
        // The bootloader, DFU and a powered-off device do not serve the USB serial.
        while (board_.console.read() >= 0) {
        }
    }
    if (stage_ == Stage::running && !test_mode_.active()) show_system_state();
    led_.update(now);
    report_mode();
}

void Device::step_system() {
    step_network();
    if (listening_.active()) {
        if (!ymodem_.active()) console_.poll();
        if (ymodem_.active()) ymodem_.poll(board_.clock.millis());  // started by this pass too
        softap_.poll();
        // Device OS's console blocks in the receiver, so no timeout ends a transfer.
        if (!ymodem_.active() && listening_.timed_out(board_.clock.millis())) {
            board_.log.event("listening", "timed out");
            exit_listening();
        }
        return;
    }
    // Outside listening mode the USB serial belongs to the application, which reads nothing.
    while (console_in_.read() >= 0) {
    }
    // The system wants the network; without credentials that means listening mode.
    if (!has_credentials()) start_listening(ListenReason::no_credentials);
}

// ---- test mode (protocol/test-mode.md) ---------------------------------------------------

void Device::watch_test_pads(std::uint32_t now) {
    // Pads of their own carry nothing for the system: only the preamble matters. Shared
    // pads were read through the gate by the console or the drain above.
    if (!shared_test_pads()) {
        while (gate_.read() >= 0) {
        }
    }
    if (gate_.open()) enter_test_mode(now);
}

void Device::enter_test_mode(std::uint32_t now) {
    // The station owns the radio: listening mode ends (the setup AP goes down), the system's
    // joins stop, a network it had joined is left and nothing rejoins.
    leave_listening(false);
    join_.leave();
    rejoin_pending_ = leave_scheduled_ = powering_off_ = false;
    button_.reset();
    led_.clear();
    test_mode_.begin(now, board_.button && board_.button->pressed());
    test_mode_.step(now);  // HELLO, and whatever followed the preamble
    report_mode();
}

// ---- the SETUP button and the status LED -------------------------------------------------

void Device::step_button(std::uint32_t now) {
    if (!board_.button) return;
    // Every 10 ms tick is run, late ones too (a slow pass must not shorten a hold), but a
    // long stall is not replayed tick by tick.
    if (static_cast<std::int32_t>(now - next_button_tick_) > 1000) next_button_tick_ = now;
    while (static_cast<std::int32_t>(now - next_button_tick_) >= 0) {
        const std::uint32_t tick = next_button_tick_;
        next_button_tick_ += button::kTickMs;
        const bool pressed = board_.button->pressed();
        if (stage_ == Stage::bootloader) {
            step_bootloader(pressed, tick);
        } else if (stage_ == Stage::running) {
            // A press held through the bootloader's 12 s limit gave the system no falling edge
            // (spec §8.1): it counts from the next press.
            held_through_boot_ = held_through_boot_ && pressed;
            // In test mode presses are only counted: no gestures.
            if (test_mode_.active()) test_mode_.button_tick(pressed);
            else button_.tick(pressed && !held_through_boot_, tick);
        }
    }
}

void Device::step_bootloader(bool pressed, std::uint32_t now) {
    const bool was_armed = boot_button_.showing();
    const led::Look before = boot_button_.look();
    if (!boot_button_.tick(pressed)) {
        held_through_boot_ = pressed;
        return finish_bootloader(now);
    }
    if (!boot_button_.showing()) return;
    const led::Look look = boot_button_.look();
    if (was_armed && look.rgb == before.rgb && look.period_ms == before.period_ms) return;
    using button::BootFlag;
    const char* name = boot_button_.armed(BootFlag::reset_settings) ? "BOOT_RESET_SETTINGS"
                       : boot_button_.armed(BootFlag::factory)      ? "BOOT_FACTORY_RESTORE"
                       : boot_button_.armed(BootFlag::dfu)          ? "BOOT_DFU"
                                                                    : "BOOT_SAFE_MODE";
    led_.take_over(name, look, now);
}

void Device::finish_bootloader(std::uint32_t now) {
    const button::BootDecision decision = boot_button_.decide();
    reset_settings_ = decision.reset_settings;
    switch (decision.choice) {
        case button::BootChoice::dfu:
            stage_ = Stage::dfu;
            led_.take_over("DFU_MODE", led::signal_row(led::Signal::dfu_mode).look, now);
            board_.log.event("bootloader", "DFU mode (no DFU transport yet: reset to leave)");
            return;
        case button::BootChoice::safe_mode:
            board_.log.event("bootloader", "safe mode");
            return start_system(hal::BootMode::safe);
        default:  // no factory image to restore: a normal boot
            board_.log.event("bootloader", "normal boot");
            return start_system(hal::BootMode::normal);
    }
}

void Device::show_system_state() {
    const std::uint32_t now = board_.clock.millis();
    led_.release(now);  // the power-on white ends when the service runs
    using led::Signal;
    const bool connected = join_.outcome().state == JoinState::connected;
    // Electron: the modem connects on its own (not emulated): the system keeps trying.
    const bool trying = join_.joining() || rejoin_pending_ ||
                        (!board_.platform.has_wifi && has_credentials());
    // harken has no cloud: a joined network is as far as "connected" goes, and in safe mode
    // that shows as breathing magenta.
    const Signal background = connected ? (safe_mode() ? Signal::safe_mode : Signal::network_connected)
                              : (trying || listening_.active()) ? Signal::network_on
                                                                : Signal::network_off;
    static constexpr Signal kBackgrounds[] = {Signal::network_off, Signal::network_on,
                                              Signal::network_connected, Signal::safe_mode};
    for (Signal s : kBackgrounds) led_.signal(s, s == background);
    led_.signal(Signal::network_connecting, trying && !connected);
    led_.signal(Signal::listening_mode, listening_.active());
    led_.signal(Signal::firmware_update, staging_.receiving());
}

// ---- firmware over the console -----------------------------------------------------------

void Device::receive_firmware(int first_byte) {
    const std::uint32_t now = board_.clock.millis();
    board_.log.event("update", "YMODEM receiver started");
    if (first_byte < 0) ymodem_.start(now, true);
    else ymodem_.start_with(now, static_cast<std::uint8_t>(first_byte));
}

void Device::restart_for_update() {
    board_.log.event("system", "restarting to install the update");
    if (board_.updates) board_.updates->restart_to_install();
}

void Device::clear_credentials() {
    const std::uint32_t now = board_.clock.millis();
    // Photon/P1: the Wi-Fi profiles; the Electron keeps no cellular credentials here.
    const bool cleared = !board_.platform.has_wifi || config_.clear_wifi_credentials();
    board_.log.event("listening", cleared ? "credentials cleared (setup button)"
                                          : "could not clear the credentials");
    report_button("cleared", cleared ? 1 : 0);
    led_.play(cleared ? led::kClearingCredentials : led::kClearingFailed, now);
}

void Device::final_click(std::uint8_t clicks) {
    report_button("final", clicks);
    // Only the Electron has the click gestures (HAL_PLATFORM_SETUP_BUTTON_UX).
    if (board_.platform.has_wifi) return;
    const std::uint32_t now = board_.clock.millis();
    if (clicks == 1) {
        // No modem is emulated, so there is no signal to show: zero bars.
        led_.play_rssi(0, now);
    } else if (clicks == 2 && !powering_off_) {
        powering_off_ = true;
        power_off_at_ = now + kPowerOffMs;
        led_.signal(led::Signal::power_off, true);
        board_.log.event("system", "powering off (double click)");
    }
}

std::uint32_t Device::ms_until_tick() const {
    const std::uint32_t now = board_.clock.millis();
    const auto until = [now](std::uint32_t due) {
        const std::int32_t left = static_cast<std::int32_t>(due - now);
        return left > 0 ? static_cast<std::uint32_t>(left) : 0u;
    };
    std::uint32_t soonest = until(led_.next_tick());
    const std::uint32_t test_mode = test_mode_.ms_until_due(now);
    if (test_mode < soonest) soonest = test_mode;
    if (!board_.button) return soonest;
    const std::uint32_t button = until(next_button_tick_);
    return button < soonest ? button : soonest;
}

void Device::announce_ui() {
    if (board_.ui_report && reported_mode_) board_.ui_report->mode(reported_mode_);
    led_.announce();
}

void Device::report_button(const char* event, std::uint32_t value) {
    if (board_.ui_report) board_.ui_report->button(event, value);
}

void Device::report_mode() {
    const char* mode = stage_ == Stage::bootloader ? "bootloader"
                       : stage_ == Stage::dfu      ? "dfu"
                       : stage_ == Stage::off      ? "off"
                       : test_mode_.active()       ? "test"
                       : listening_.active()       ? "listening"
                       : safe_mode()               ? "safe"
                                                   : "normal";
    if (mode == reported_mode_) return;
    reported_mode_ = mode;
    if (board_.ui_report) board_.ui_report->mode(mode);
}

}  // namespace core
