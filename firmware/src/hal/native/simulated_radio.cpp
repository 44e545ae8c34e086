#include "simulated_radio.hpp"

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace native {
namespace {

constexpr std::uint32_t kDefaultJoinMs = 200;
constexpr std::uint32_t kAbsentJoinMs = 300;   // a join scans a while before giving up
constexpr std::uint32_t kMaxRateKbps = 72200;  // 802.11n, one stream, as BCM43362 scans show
constexpr std::uint32_t kWepBit = 0x1;

std::uint64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000u + ts.tv_nsec / 1000000;
}

// Splits a TAB-separated line in place; returns the number of fields.
std::size_t split(char* line, char** fields, std::size_t max) {
    std::size_t count = 0;
    char* cursor = line;
    while (count < max) {
        fields[count++] = cursor;
        char* tab = std::strchr(cursor, '\t');
        if (!tab) break;
        *tab = '\0';
        cursor = tab + 1;
    }
    return count;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
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

// One environment line into a network; false for lines that are not a network.
bool SimulatedRadio::parse(char* line, Network* out) {
    line[std::strcspn(line, "\r\n")] = '\0';
    char* fields[7] = {};
    const std::size_t count = split(line, fields, 7);
    const std::size_t ssid_len = std::strlen(fields[0]);
    if (count < 2 || ssid_len == 0 || ssid_len > 32) return false;
    Network& n = *out;
    std::memset(&n, 0, sizeof n);
    std::memcpy(n.ap.ssid, fields[0], ssid_len);
    n.ap.ssid_len = static_cast<std::uint8_t>(ssid_len);
    n.ap.security = static_cast<std::uint32_t>(std::strtoul(fields[1], nullptr, 16));
    n.ap.channel = count > 2 ? static_cast<std::uint8_t>(std::atoi(fields[2])) : 1;
    n.ap.rssi = count > 3 ? static_cast<std::int16_t>(std::atoi(fields[3])) : -50;
    n.ap.max_rate_kbps = kMaxRateKbps;
    if (count > 4) std::snprintf(n.password, sizeof n.password, "%s", fields[4]);
    n.join_ms = count > 5 && fields[5][0] ? static_cast<std::uint32_t>(std::atol(fields[5]))
                                          : kDefaultJoinMs;
    std::snprintf(n.behaviour, sizeof n.behaviour, "%s", count > 6 ? fields[6] : "ok");
    return true;
}

bool SimulatedRadio::find(const char* ssid, std::size_t len, Network* out) const {
    FILE* f = std::fopen(path_, "r");
    if (!f) return false;
    bool found = false;
    char line[512];
    Network n;
    while (std::fgets(line, sizeof line, f)) {
        if (!parse(line, &n) || n.ap.ssid_len != len || std::memcmp(n.ap.ssid, ssid, len) != 0)
            continue;
        *out = n;  // the last matching line wins, like the last BSSID of a scan
        found = true;
    }
    std::fclose(f);
    return found;
}

std::size_t SimulatedRadio::scan(hal::AccessPoint* out, std::size_t max) {
    FILE* f = std::fopen(path_, "r");
    if (!f) return 0;
    std::size_t count = 0;
    char line[512];
    Network n;
    while (count < max && std::fgets(line, sizeof line, f))
        if (parse(line, &n)) out[count++] = n.ap;
    std::fclose(f);
    return count;
}

void SimulatedRadio::join(const hal::JoinRequest& r) {
    ssid_len_ = r.ssid_len <= 32 ? r.ssid_len : 32;
    std::memcpy(ssid_, r.ssid, ssid_len_);
    key_len_ = r.key_len <= sizeof key_ ? r.key_len : sizeof key_;
    std::memcpy(key_, r.key, key_len_);
    security_ = r.security;
    Network network;
    const std::uint32_t delay = find(ssid_, ssid_len_, &network) ? network.join_ms : kAbsentJoinMs;
    done_at_ms_ = now_ms() + delay;
    progress_ = hal::JoinProgress::joining;
}

hal::JoinProgress SimulatedRadio::progress() {
    if (progress_ == hal::JoinProgress::joining && now_ms() >= done_at_ms_) progress_ = outcome();
    return progress_;
}

hal::JoinProgress SimulatedRadio::outcome() const {
    Network n;
    if (!find(ssid_, ssid_len_, &n) || !std::strcmp(n.behaviour, "gone"))
        return hal::JoinProgress::network_not_found;
    if (!std::strcmp(n.behaviour, "timeout")) return hal::JoinProgress::timed_out;
    // Without a password in the environment the network takes any credential (so a plain
    // scan list still joins); an open network never asks.
    if (n.ap.security == 0 || n.password[0] == '\0') return hal::JoinProgress::joined;
    const bool match = (n.ap.security & kWepBit)
                           ? wep_key_matches(n.password, key_, key_len_)
                           : std::strlen(n.password) == key_len_ &&
                                 std::memcmp(n.password, key_, key_len_) == 0;
    return match ? hal::JoinProgress::joined : hal::JoinProgress::wrong_password;
}

}  // namespace native
