#include "core/simulated_radio.hpp"

#include <cstring>

#include "core/wifi_security.hpp"

namespace core {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Hex digits into bytes; false unless `len` is even, the digits valid and the bytes fit.
bool decode_hex(const char* text, std::size_t len, std::uint8_t* out, std::size_t max,
                std::size_t* out_len) {
    if (len % 2 != 0 || len / 2 > max) return false;
    for (std::size_t i = 0; i < len / 2; ++i) {
        const int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    *out_len = len / 2;
    return true;
}

// An unsigned number in `base` (10 or 16) that fills the field exactly, at most `max`.
bool parse_unsigned(const char* text, std::size_t len, unsigned base, std::uint32_t max,
                    std::uint32_t* out) {
    if (len == 0) return false;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < len; ++i) {
        const int digit = hex_value(text[i]);
        if (digit < 0 || static_cast<unsigned>(digit) >= base) return false;
        const std::uint32_t d = static_cast<std::uint32_t>(digit);
        if (d > max || value > (max - d) / base) return false;
        value = value * base + d;
    }
    *out = value;
    return true;
}

// WEP keys are stored hex-decoded; the environment gives them as a user types them.
bool wep_key_matches(const char* typed, const std::uint8_t* key, std::size_t key_len) {
    const std::size_t len = std::strlen(typed);
    if (len == key_len * 2) {
        for (std::size_t i = 0; i < key_len; ++i) {
            const int hi = hex_value(typed[2 * i]), lo = hex_value(typed[2 * i + 1]);
            if (hi < 0 || lo < 0 || key[i] != static_cast<std::uint8_t>(hi << 4 | lo))
                return false;
        }
        return true;
    }
    return len == key_len && std::memcmp(typed, key, len) == 0;
}

}  // namespace

bool make_simulated_network(const char* ssid, std::size_t ssid_len, std::uint32_t security,
                            SimulatedNetwork* out) {
    if (ssid_len == 0 || ssid_len > 32) return false;
    SimulatedNetwork& n = *out;
    std::memset(&n, 0, sizeof n);
    std::memcpy(n.ap.ssid, ssid, ssid_len);
    n.ap.ssid_len = static_cast<std::uint8_t>(ssid_len);
    n.ap.security = security;
    n.ap.channel = 1;
    n.ap.rssi = -50;
    n.ap.max_rate_kbps = kSimulatedMaxRateKbps;
    n.join_ms = kSimulatedJoinMs;
    n.behaviour = NetworkBehaviour::ok;
    return true;
}

bool parse_behaviour(const char* text, std::size_t len, NetworkBehaviour* out) {
    static const struct {
        const char* name;
        NetworkBehaviour value;
    } kNames[] = {{"ok", NetworkBehaviour::ok},
                  {"gone", NetworkBehaviour::gone},
                  {"timeout", NetworkBehaviour::timeout}};
    for (const auto& entry : kNames) {
        if (std::strlen(entry.name) == len && std::strncmp(entry.name, text, len) == 0) {
            *out = entry.value;
            return true;
        }
    }
    return false;
}

bool parse_network_args(const char* args, SimulatedNetwork* out) {
    constexpr std::size_t kFields = 7;
    const char* field[kFields];
    std::size_t len[kFields];
    const char* cursor = args;
    for (std::size_t i = 0; i < kFields; ++i) {
        const char* space = std::strchr(cursor, ' ');
        field[i] = cursor;
        len[i] = space ? static_cast<std::size_t>(space - cursor) : std::strlen(cursor);
        if (len[i] == 0) return false;
        if (i + 1 < kFields) {
            if (!space) return false;
            cursor = space + 1;
        } else if (space) {
            return false;  // more fields than there are
        }
    }
    std::uint8_t ssid[32];
    std::size_t ssid_len = 0;
    std::uint32_t security, channel, rssi, join_ms;
    if (!decode_hex(field[0], len[0], ssid, sizeof ssid, &ssid_len) ||
        !parse_unsigned(field[1], len[1], 16, 0xFFFFFFFFu, &security) || len[1] > 8 ||
        !parse_unsigned(field[2], len[2], 10, 255, &channel) ||
        !parse_unsigned(field[5], len[5], 10, 0xFFFFFFFFu, &join_ms))
        return false;
    // rssi: 0 or a negative number down to -128 dBm
    const bool negative = field[3][0] == '-';
    if (!parse_unsigned(field[3] + negative, len[3] - negative, 10, negative ? 128 : 0, &rssi))
        return false;
    SimulatedNetwork& n = *out;
    if (!make_simulated_network(reinterpret_cast<const char*>(ssid), ssid_len, security, &n))
        return false;
    n.ap.channel = static_cast<std::uint8_t>(channel);
    n.ap.rssi = static_cast<std::int16_t>(-static_cast<std::int32_t>(rssi));
    n.join_ms = join_ms;
    if (!parse_behaviour(field[6], len[6], &n.behaviour)) return false;
    if (len[4] == 1 && field[4][0] == '-') return true;  // no password: any credential
    std::size_t password_len = 0;
    if (!decode_hex(field[4], len[4], reinterpret_cast<std::uint8_t*>(n.password),
                    SimulatedNetwork::kMaxPassword, &password_len))
        return false;
    n.password[password_len] = '\0';
    return std::strlen(n.password) == password_len;  // no NUL inside
}

hal::JoinProgress simulated_join_outcome(const SimulatedNetwork* n, const std::uint8_t* key,
                                         std::size_t key_len) {
    if (!n || n->behaviour == NetworkBehaviour::gone) return hal::JoinProgress::network_not_found;
    if (n->behaviour == NetworkBehaviour::timeout) return hal::JoinProgress::timed_out;
    // Without a password in the environment the network takes any credential (so a plain
    // scan list still joins); an open network never asks.
    if (n->ap.security == wiced::kOpen || n->password[0] == '\0')
        return hal::JoinProgress::joined;
    const bool match = (n->ap.security & wiced::kWep)
                           ? wep_key_matches(n->password, key, key_len)
                           : std::strlen(n->password) == key_len &&
                                 std::memcmp(n->password, key, key_len) == 0;
    return match ? hal::JoinProgress::joined : hal::JoinProgress::wrong_password;
}

void SimulatedRadio::join(const hal::JoinRequest& r) {
    ssid_len_ = r.ssid_len < sizeof ssid_ ? r.ssid_len : sizeof ssid_ - 1;
    std::memcpy(ssid_, r.ssid, ssid_len_);
    ssid_[ssid_len_] = '\0';
    key_len_ = r.key_len <= sizeof key_ ? r.key_len : sizeof key_;
    std::memcpy(key_, r.key, key_len_);
    SimulatedNetwork network;
    delay_ms_ = find(ssid_, ssid_len_, &network) ? network.join_ms : kSimulatedAbsentJoinMs;
    started_ms_ = clock_.millis();
    progress_ = hal::JoinProgress::joining;
}

hal::JoinProgress SimulatedRadio::progress() {
    // unsigned difference: right across the millisecond counter's wrap
    if (progress_ == hal::JoinProgress::joining && clock_.millis() - started_ms_ >= delay_ms_) {
        // The environment as it is now: a network may have gone since the join began.
        SimulatedNetwork network;
        const bool found = find(ssid_, ssid_len_, &network);
        progress_ = simulated_join_outcome(found ? &network : nullptr, key_, key_len_);
    }
    return progress_;
}

bool SimulatedRadio::link_rssi(std::int16_t* dbm) {
    SimulatedNetwork network;
    if (progress() != hal::JoinProgress::joined || !find(ssid_, ssid_len_, &network) ||
        network.behaviour != NetworkBehaviour::ok)
        return false;
    *dbm = network.ap.rssi;
    return true;
}

}  // namespace core
