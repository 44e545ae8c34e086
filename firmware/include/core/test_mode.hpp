#pragma once
// Test mode's command service (protocol/test-mode.md): once the device has entered test mode
// it reads request frames from the pads' gate, answers each with one write() (so a log line
// never lands inside a frame), sends HELLO for every preamble, runs a JOIN in the background
// (other requests but PING and IDENTIFY get busy meanwhile) and resets the device after a
// REBOOT or FACTORY_RESET reply. The device decides when test mode starts (the gate opened)
// and stops the system's own use of the radio, the LED and the button meanwhile.
#include <cstddef>
#include <cstdint>

#include "core/device_config.hpp"
#include "core/module_info.hpp"
#include "core/platform_info.hpp"
#include "core/status_led.hpp"
#include "core/test_mode_frame.hpp"
#include "core/test_mode_payload.hpp"
#include "core/test_pads_gate.hpp"
#include "hal/event_log.hpp"
#include "hal/identity.hpp"
#include "hal/radio.hpp"
#include "hal/status_ui.hpp"
#include "hal/system_control.hpp"

namespace core {

struct TestModeContext {
    const PlatformInfo& platform;
    const hal::Identity& identity;
    const RunningImage& image;
    DeviceConfig& config;
    hal::Radio* radio;           // nullptr: no Wi-Fi (JOIN, SCAN, RSSI are unsupported)
    hal::ModeButton* button;     // nullptr: none (BUTTON reports it up, never pressed)
    hal::SystemControl& system;
    hal::EventLog& log;
    led::StatusLed& led;
};

class TestMode final : private test_mode::FrameSink {
public:
    // A reset waits this long after its reply, so the UART has sent the last bytes.
    static constexpr std::uint32_t kResetDelayMs = 50;
    // How often a running join is looked at between loop passes.
    static constexpr std::uint32_t kJoinPollMs = 10;

    TestMode(TestPadsGate& pads, const TestModeContext& ctx) : pads_(pads), ctx_(ctx) {}

    bool active() const { return active_; }
    // Enters test mode (the gate has opened): the LED shows TEST_MODE; `button_down` is the
    // SETUP button now (a press already under way is not counted). HELLO follows in step().
    void begin(std::uint32_t now_ms, bool button_down);
    // One loop pass in test mode: HELLO per preamble, requests, the join, a reset that is due.
    void step(std::uint32_t now_ms);
    // The raw SETUP button level on each 10 ms UI tick: presses are counted, nothing else.
    void button_tick(bool pressed);
    // How long until step() has something to do without new input (a frame to time out, a
    // join to look at, a reset); UINT32_MAX when nothing is due.
    std::uint32_t ms_until_due(std::uint32_t now_ms) const;
    // A reset ends test mode and forgets everything.
    void reset();

private:
    void frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* payload,
               std::size_t len) override;
    void frame_error(test_mode::Status status, std::uint8_t seq) override;

    // The reply payload is built in out_ after the status byte, then sealed and written.
    test_mode::PayloadWriter start_reply(test_mode::Status status);
    void send(std::uint8_t type, std::uint8_t seq, const test_mode::PayloadWriter& payload);
    void reply_status(std::uint8_t type, std::uint8_t seq, test_mode::Status status);
    void start_join(std::uint8_t seq, const test_mode::JoinFields& join);
    void poll_join();
    void finish_join(test_mode::Status status, std::int16_t rssi);
    void identify(std::uint8_t seq);
    void scan(std::uint8_t seq);
    void link_rssi(std::uint8_t seq);
    void show_test_mode();
    void schedule_reset();
    void log(const char* what, test_mode::Status status);

    TestPadsGate& pads_;
    TestModeContext ctx_;
    test_mode::BufferedFrameReader<test_mode::kMaxRequestPayload> reader_;
    std::uint8_t out_[test_mode::frame_size(test_mode::kMaxReplyPayload)] = {};
    std::uint32_t now_ = 0;
    bool active_ = false;
    // JOIN: the request (its key wiped when the join ends) and the network it joined.
    bool joining_ = false;
    std::uint8_t join_seq_ = 0;
    std::uint32_t join_started_ = 0;
    std::uint32_t join_ms_ = 0;
    std::uint32_t join_polled_ = 0;
    test_mode::JoinFields join_{};
    char joined_ssid_[33] = {};
    std::uint8_t joined_ssid_len_ = 0;
    // BUTTON
    bool button_down_ = false;
    std::uint16_t presses_ = 0;
    // REBOOT, FACTORY_RESET
    bool reset_pending_ = false;
    bool resetting_ = false;  // reset() asked for; nothing more until the device boots
    std::uint32_t reset_at_ = 0;
};

}  // namespace core
