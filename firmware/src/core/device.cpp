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
      console_(board.console, context_),
      softap_context_{board.identity, config_, board.radio, key_, join_, *this, board.log},
      softap_(board.setup_ap, board.clock, softap_context_) {}

void Device::boot(hal::BootMode mode) {
    mode_ = mode;
    boot_ms_ = board_.clock.millis();
    leave_scheduled_ = rejoin_pending_ = credentials_changed_ = false;
    softap_.stop();
    listening_.exit();
    console_.abort();
    if (!store_.load()) board_.log.event("config", "flash unreadable; running on defaults");
    config_.save_device_id(board_.identity.device_id);
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
    if (listening_.active()) return;
    join_.leave();  // listening mode takes the radio
    rejoin_pending_ = leave_scheduled_ = credentials_changed_ = false;
    listening_.enter(board_.clock.millis());
    static const char* const kReasons[] = {"entered: no credentials", "entered: host request",
                                           "entered: listen-on-startup flag",
                                           "entered: join failed after new credentials"};
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
    step_network();
    if (listening_.active()) {
        console_.poll();
        softap_.poll();
        if (listening_.timed_out(board_.clock.millis())) {
            board_.log.event("listening", "timed out");
            exit_listening();
        }
        return;
    }
    // Outside listening mode the USB serial belongs to the application, which reads nothing.
    while (board_.console.read() >= 0) {
    }
    // The system wants the network; without credentials that means listening mode.
    if (!has_credentials()) start_listening(ListenReason::no_credentials);
}

}  // namespace core
