#include "core/test_mode.hpp"

#include <climits>
#include <cstring>

#include "core/console_context.hpp"

namespace core {

using test_mode::PayloadWriter;
using test_mode::Status;
using test_mode::Type;

namespace {

constexpr led::Look kTestModeLook{0xFFFFFF, led::Pattern::blink, 1000};

// Log names of the request types 0x00..0x09.
const char* const kCommandNames[] = {"PING", "IDENTIFY", "REBOOT", "FACTORY_RESET", "JOIN",
                                     "SCAN", "RSSI", "CLEAR_CREDENTIALS", "LED", "BUTTON"};
constexpr std::size_t kCommandCount = sizeof kCommandNames / sizeof kCommandNames[0];

bool due(std::uint32_t now, std::uint32_t at) { return static_cast<std::int32_t>(now - at) >= 0; }

Status join_status(hal::JoinProgress progress) {
    switch (progress) {
        case hal::JoinProgress::joined: return Status::ok;
        case hal::JoinProgress::wrong_password: return Status::join_wrong_password;
        case hal::JoinProgress::network_not_found: return Status::join_not_found;
        default: return Status::join_timed_out;  // timed out, or dropped under us
    }
}

// Appends `text` to the NUL-terminated `line` of `size` bytes, cut to fit.
void append(char* line, std::size_t size, const char* text) {
    std::size_t n = std::strlen(line);
    while (*text && n + 1 < size) line[n++] = *text++;
    line[n] = '\0';
}

}  // namespace

void TestMode::begin(std::uint32_t now_ms, bool button_down) {
    reset();
    active_ = true;
    now_ = now_ms;
    button_down_ = button_down;
    ctx_.log.event("test", "test mode entered");
    show_test_mode();
}

void TestMode::reset() {
    active_ = joining_ = reset_pending_ = resetting_ = false;
    reader_.clear();
    std::memset(&join_, 0, sizeof join_);
    joined_ssid_len_ = 0;
    joined_ssid_[0] = '\0';
    presses_ = 0;
    button_down_ = false;
}

void TestMode::step(std::uint32_t now_ms) {
    if (!active_ || resetting_) return;
    now_ = now_ms;
    if (reset_pending_) {
        if (!due(now_ms, reset_at_)) return;
        resetting_ = true;
        ctx_.system.reset(hal::BootMode::normal);
        return;
    }
    for (;;) {
        if (pads_.take_preamble()) {
            // A station that restarted: whatever it had half sent is gone.
            reader_.clear();
            PayloadWriter w = start_reply(Status::ok);
            test_mode::write_hello(w, ctx_.identity.device_id);
            send(static_cast<std::uint8_t>(Type::hello), 0, w);
        }
        if (reset_pending_) return;  // what follows a REBOOT is lost with the reset
        const int c = pads_.next();
        if (c < 0) break;
        reader_.push(static_cast<std::uint8_t>(c), now_ms, *this);
    }
    reader_.poll(now_ms, *this);
    if (joining_) poll_join();
}

void TestMode::button_tick(bool pressed) {
    if (!active_) return;
    if (pressed && !button_down_ && presses_ < 0xFFFF) ++presses_;
    button_down_ = pressed;
}

std::uint32_t TestMode::ms_until_due(std::uint32_t now_ms) const {
    if (!active_ || resetting_) return UINT32_MAX;
    std::uint32_t best = UINT32_MAX;
    const auto consider = [&](std::uint32_t at) {
        const std::int32_t left = static_cast<std::int32_t>(at - now_ms);
        const std::uint32_t ms = left > 0 ? static_cast<std::uint32_t>(left) : 0u;
        if (ms < best) best = ms;
    };
    std::uint32_t deadline = 0;
    if (reset_pending_) consider(reset_at_);
    if (reader_.waiting(&deadline)) consider(deadline);
    if (joining_) consider(join_polled_ + kJoinPollMs);
    return best;
}

// ---- frames in, replies out ----------------------------------------------------------------

PayloadWriter TestMode::start_reply(Status status) {
    PayloadWriter w(out_ + test_mode::kHeaderSize, test_mode::kMaxReplyPayload);
    w.u8(static_cast<std::uint8_t>(status));
    return w;
}

void TestMode::send(std::uint8_t type, std::uint8_t seq, const PayloadWriter& payload) {
    // Every reply is sized for out_ (kMaxReplyPayload), so this never fails.
    const std::size_t n = test_mode::seal_frame(out_, sizeof out_, type, seq, payload.size());
    if (payload.ok() && n) pads_.write(out_, n);
}

void TestMode::reply_status(std::uint8_t type, std::uint8_t seq, Status status) {
    send(type, seq, start_reply(status));
}

void TestMode::log(const char* what, Status status) {
    char line[48] = {};
    append(line, sizeof line, what);
    append(line, sizeof line, ": ");
    append(line, sizeof line, test_mode::status_name(status));
    ctx_.log.event("test", line);
}

void TestMode::frame_error(Status status, std::uint8_t seq) {
    if (reset_pending_) return;
    log("frame error", status);
    reply_status(static_cast<std::uint8_t>(Type::frame_error), seq, status);
}

void TestMode::frame(std::uint8_t type, std::uint8_t seq, const std::uint8_t* payload,
                     std::size_t len) {
    if (reset_pending_) return;
    const std::uint8_t reply = type | test_mode::kReplyBit;
    if (type >= kCommandCount) {
        log("unknown type", Status::unknown_command);
        return reply_status(reply, seq, Status::unknown_command);
    }
    const Type t = static_cast<Type>(type);
    const char* name = kCommandNames[type];
    // The payload first, whatever the state (protocol/test-mode.md), then busy, unsupported.
    test_mode::JoinFields join;
    test_mode::LedFields led{};
    const bool fits = t == Type::join ? test_mode::parse_join(payload, len, &join)
                      : t == Type::led ? test_mode::parse_led(payload, len, &led)
                                       : len == 0;
    Status refusal = Status::ok;
    if (!fits) refusal = Status::bad_payload;
    else if (joining_ && t != Type::ping && t != Type::identify) refusal = Status::busy;
    else if (!ctx_.radio && (t == Type::join || t == Type::scan || t == Type::rssi))
        refusal = Status::unsupported;
    if (t == Type::join) {
        if (refusal == Status::ok) start_join(seq, join);
        std::memset(&join, 0, sizeof join);  // no copy of the key stays on the stack
        if (refusal == Status::ok) return;   // the reply comes when the join ends
    }
    if (refusal != Status::ok) {
        log(name, refusal);
        return reply_status(reply, seq, refusal);
    }
    switch (t) {
        case Type::identify: return identify(seq);
        case Type::scan: return scan(seq);
        case Type::rssi: return link_rssi(seq);
        case Type::ping: {
            log(name, Status::ok);
            PayloadWriter w = start_reply(Status::ok);
            test_mode::write_ping(w);
            return send(reply, seq, w);
        }
        case Type::button: {
            log(name, Status::ok);
            PayloadWriter w = start_reply(Status::ok);
            test_mode::write_button(w, ctx_.button && ctx_.button->pressed(), presses_);
            return send(reply, seq, w);
        }
        case Type::led:
            if (led.hold) ctx_.led.take_over("TEST_LED", {led.rgb, led::Pattern::solid, 0}, now_);
            else show_test_mode();
            log(name, Status::ok);
            return reply_status(reply, seq, Status::ok);
        case Type::clear_credentials: {
            const Status s = ctx_.config.clear_wifi_credentials() ? Status::ok
                                                                   : Status::storage_failed;
            log(name, s);
            return reply_status(reply, seq, s);
        }
        case Type::reboot:
            log(name, Status::ok);
            reply_status(reply, seq, Status::ok);
            return schedule_reset();
        case Type::factory_reset: {
            // One commit; when it fails the old configuration is intact and the device stays.
            const Status s = ctx_.config.factory_reset() ? Status::ok : Status::storage_failed;
            log(name, s);
            reply_status(reply, seq, s);
            if (s == Status::ok) schedule_reset();
            return;
        }
        default: return;  // JOIN: started above
    }
}

// ---- the commands ------------------------------------------------------------------------

void TestMode::identify(std::uint8_t seq) {
    const hal::Identity& id = ctx_.identity;
    const bool wifi = ctx_.platform.has_wifi;
    const test_mode::Identification fields{
        id.device_id,
        ctx_.platform.id,
        ctx_.image.product_id,
        ctx_.image.product_version,
        ctx_.image.prefix.function,
        ctx_.image.prefix.index,
        ctx_.image.prefix.version,
        kSystemVersion,
        ctx_.image.has_sha ? ctx_.image.sha256 : nullptr,
        wifi ? id.mac : nullptr,
        wifi ? "" : id.imei,
        wifi ? "" : id.iccid,
        id.serial_number,
    };
    PayloadWriter w = start_reply(Status::ok);
    test_mode::write_identify(w, fields);
    log("IDENTIFY", Status::ok);
    send(static_cast<std::uint8_t>(Type::identify) | test_mode::kReplyBit, seq, w);
}

void TestMode::scan(std::uint8_t seq) {
    static hal::AccessPoint found[test_mode::kMaxScanNetworks];  // ~1 KB: not on the stack
    const std::size_t n = ctx_.radio->scan(found, test_mode::kMaxScanNetworks);
    PayloadWriter w = start_reply(Status::ok);
    test_mode::write_scan(w, found, n);
    log("SCAN", Status::ok);
    send(static_cast<std::uint8_t>(Type::scan) | test_mode::kReplyBit, seq, w);
}

void TestMode::link_rssi(std::uint8_t seq) {
    const std::uint8_t reply = static_cast<std::uint8_t>(Type::rssi) | test_mode::kReplyBit;
    std::int16_t dbm = 0;
    if (!ctx_.radio->link_rssi(&dbm)) {
        log("RSSI", Status::not_connected);
        return reply_status(reply, seq, Status::not_connected);
    }
    PayloadWriter w = start_reply(Status::ok);
    test_mode::write_rssi(w, dbm, joined_ssid_, joined_ssid_len_);
    log("RSSI", Status::ok);
    send(reply, seq, w);
}

void TestMode::start_join(std::uint8_t seq, const test_mode::JoinFields& join) {
    join_ = join;
    joining_ = true;
    join_seq_ = seq;
    join_started_ = join_polled_ = now_;
    join_ms_ = static_cast<std::uint32_t>(join.timeout_s) * 1000u;
    joined_ssid_len_ = 0;  // a new join drops the network joined before
    joined_ssid_[0] = '\0';
    ctx_.log.event("test", "JOIN: started");
    ctx_.radio->join(
        hal::JoinRequest{join_.ssid, join_.ssid_len, join_.security, join_.key, join_.key_len});
}

void TestMode::poll_join() {
    join_polled_ = now_;
    const hal::JoinProgress p = ctx_.radio->progress();
    if (p == hal::JoinProgress::joining) {
        if (now_ - join_started_ < join_ms_) return;
        ctx_.radio->leave();
        return finish_join(Status::join_timed_out, 0);
    }
    std::int16_t dbm = 0;
    if (p == hal::JoinProgress::joined) {
        if (!ctx_.radio->link_rssi(&dbm)) dbm = 0;
        std::memcpy(joined_ssid_, join_.ssid, join_.ssid_len + 1u);
        joined_ssid_len_ = join_.ssid_len;
    }
    finish_join(join_status(p), dbm);
}

void TestMode::finish_join(Status status, std::int16_t rssi) {
    joining_ = false;
    std::memset(&join_, 0, sizeof join_);  // the key goes as soon as the radio is done
    log("JOIN", status);
    const std::uint8_t reply = static_cast<std::uint8_t>(Type::join) | test_mode::kReplyBit;
    PayloadWriter w = start_reply(status);
    if (status == Status::ok) test_mode::write_join(w, rssi);
    send(reply, join_seq_, w);
}

void TestMode::show_test_mode() { ctx_.led.take_over("TEST_MODE", kTestModeLook, now_); }

void TestMode::schedule_reset() {
    reset_pending_ = true;
    reset_at_ = now_ + kResetDelayMs;
    reader_.clear();
}

}  // namespace core
