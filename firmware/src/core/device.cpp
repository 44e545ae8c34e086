#include "core/device.hpp"

namespace core {

Device::Device(const Board& board)
    : board_(board),
      store_(board.storage),
      config_(store_),
      listening_(board.listen_timeout_ms),
      context_{board.platform, board.identity, config_, board.image,
               check_running_image(board.image, board.platform.id), board.radio, *this},
      console_(board.console, context_) {}

void Device::boot(hal::BootMode mode) {
    mode_ = mode;
    boot_ms_ = board_.clock.millis();
    listening_.exit();
    console_.abort();
    if (!store_.load()) board_.log.event("config", "flash unreadable; running on defaults");
    config_.save_device_id(board_.identity.device_id);
    if (mode == hal::BootMode::normal) {
        // The running application's product identity is kept for safe mode (product-id.md §4.2).
        config_.store_product(board_.image.product_id, board_.image.product_version);
    }
    board_.log.event("system", mode == hal::BootMode::safe ? "booted in safe mode" : "booted");
    if (mode == hal::BootMode::safe &&
        board_.system.listen_flag_register() == kStartupListenFlag) {
        board_.system.set_listen_flag_register(0);
        start_listening(ListenReason::startup_flag);
    }
    // The system connects right after boot; without credentials that is listening mode.
    if (!has_credentials()) start_listening(ListenReason::no_credentials);
}

bool Device::has_credentials() const {
    // Photon/P1: a stored Wi-Fi profile. Electron: a ready SIM, i.e. the modem reports one.
    if (board_.platform.has_wifi) return config_.has_wifi_credentials();
    return board_.identity.iccid[0] != '\0';
}

void Device::start_listening(ListenReason reason) {
    if (listening_.active()) return;
    listening_.enter(board_.clock.millis());
    static const char* const kReasons[] = {"entered: no credentials", "entered: host request",
                                           "entered: listen-on-startup flag"};
    board_.log.event("listening", kReasons[static_cast<int>(reason)]);
}

void Device::exit_listening() {
    if (!listening_.active()) return;
    listening_.exit();
    console_.abort();
    board_.log.event("listening", "exited");
    // Joining a network needs the radio simulation (SoftAP issue); until then the device
    // just reports that it would.
    if (has_credentials()) board_.log.event("network", "connecting with stored credentials");
}

void Device::reset_to_safe_mode_listening() {
    board_.system.set_listen_flag_register(kStartupListenFlag);
    board_.log.event("system", "reset to safe mode with listen-on-startup");
    board_.system.reset(hal::BootMode::safe);
}

std::uint32_t Device::uptime_seconds() { return (board_.clock.millis() - boot_ms_) / 1000; }

void Device::step() {
    if (listening_.active()) {
        console_.poll();
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
