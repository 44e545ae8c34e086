#include "core/network_join.hpp"

#include <cstring>

namespace core {
namespace {

JoinFailure failure_of(hal::JoinProgress p) {
    switch (p) {
        case hal::JoinProgress::wrong_password: return JoinFailure::wrong_password;
        case hal::JoinProgress::network_not_found: return JoinFailure::network_not_found;
        default: return JoinFailure::timed_out;
    }
}

}  // namespace

bool NetworkJoin::begin() {
    if (!radio_ || !config_.wifi_profile(0, &newest_)) return false;
    radio_->leave();
    ++outcome_.attempt;
    first_failure_ = JoinFailure::none;
    started_ms_ = clock_.millis();
    if (!try_from(0)) finish(JoinState::failed, JoinFailure::network_not_found, newest_.ssid,
                             newest_.ssid_len);
    return true;
}

// Starts the next stored profile at or after `slot`; false when none is left.
bool NetworkJoin::try_from(std::size_t slot) {
    StoredProfile p;
    for (; slot < dct::wifi::kApSlots; ++slot) {
        if (!config_.wifi_profile(slot, &p)) continue;
        slot_ = slot;
        outcome_.state = JoinState::joining;
        outcome_.reason = JoinFailure::none;
        std::memcpy(outcome_.ssid, p.ssid, p.ssid_len + 1);
        radio_->join(hal::JoinRequest{p.ssid, p.ssid_len, p.security, p.key, p.key_len});
        return true;
    }
    return false;
}

void NetworkJoin::poll() {
    if (outcome_.state != JoinState::joining) return;
    const hal::JoinProgress p = radio_->progress();
    if (p == hal::JoinProgress::joining) {
        if (clock_.millis() - started_ms_ < kBudgetMs) return;
        radio_->leave();
        finish(JoinState::failed, JoinFailure::timed_out, newest_.ssid, newest_.ssid_len);
        return;
    }
    if (p == hal::JoinProgress::joined) {
        finish(JoinState::connected, JoinFailure::none, outcome_.ssid,
               std::strlen(outcome_.ssid));
        return;
    }
    // The newest profile's failure is the one to report: it is what setup just stored.
    if (first_failure_ == JoinFailure::none) first_failure_ = failure_of(p);
    if (!try_from(slot_ + 1))
        finish(JoinState::failed, first_failure_, newest_.ssid, newest_.ssid_len);
}

void NetworkJoin::leave() {
    if (radio_) radio_->leave();
    // A success stays latched as the last attempt's outcome; an unfinished one is cut short.
    if (outcome_.state == JoinState::joining)
        finish(JoinState::failed, JoinFailure::cancelled, newest_.ssid, newest_.ssid_len);
}

void NetworkJoin::finish(JoinState state, JoinFailure reason, const char* ssid,
                         std::size_t len) {
    outcome_.state = state;
    outcome_.reason = reason;
    std::memmove(outcome_.ssid, ssid, len);
    outcome_.ssid[len] = '\0';
}

void write_join_outcome(JsonWriter& json, const JoinOutcome& o) {
    static const char* const kStates[] = {"idle", "joining", "connected", "failed"};
    static const char* const kReasons[] = {"",        "wrong-password", "network-not-found",
                                           "timeout", "cancelled"};
    json.key("attempt");
    json.number(o.attempt);
    json.key("state");
    json.string(kStates[static_cast<int>(o.state)]);
    if (o.attempt == 0) return;
    json.key("ssid");
    json.string(o.ssid);
    if (o.state != JoinState::failed) return;
    json.key("reason");
    json.string(kReasons[static_cast<int>(o.reason)]);
}

}  // namespace core
