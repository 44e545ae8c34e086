#include "simulated_radio.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace native {
namespace {

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

}  // namespace

// One environment line into a network; false for lines that are not a network.
bool SimulatedRadio::parse(char* line, core::SimulatedNetwork* out) {
    line[std::strcspn(line, "\r\n")] = '\0';
    char* fields[7] = {};
    const std::size_t count = split(line, fields, 7);
    if (count < 2 ||
        !core::make_simulated_network(
            fields[0], std::strlen(fields[0]),
            static_cast<std::uint32_t>(std::strtoul(fields[1], nullptr, 16)), out))
        return false;
    core::SimulatedNetwork& n = *out;
    if (count > 2) n.ap.channel = static_cast<std::uint8_t>(std::atoi(fields[2]));
    if (count > 3) n.ap.rssi = static_cast<std::int16_t>(std::atoi(fields[3]));
    if (count > 4) std::snprintf(n.password, sizeof n.password, "%s", fields[4]);
    if (count > 5 && fields[5][0]) n.join_ms = static_cast<std::uint32_t>(std::atol(fields[5]));
    // an unknown behaviour joins like `ok`
    if (count > 6) core::parse_behaviour(fields[6], std::strlen(fields[6]), &n.behaviour);
    return true;
}

bool SimulatedRadio::find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const {
    FILE* f = std::fopen(path_, "r");
    if (!f) return false;
    bool found = false;
    char line[512];
    core::SimulatedNetwork n;
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
    core::SimulatedNetwork n;
    while (count < max && std::fgets(line, sizeof line, f))
        if (parse(line, &n)) out[count++] = n.ap;
    std::fclose(f);
    return count;
}

}  // namespace native
