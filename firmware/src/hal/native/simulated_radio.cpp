#include "simulated_radio.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace native {

std::size_t SimulatedRadio::scan(hal::AccessPoint* out, std::size_t max) {
    FILE* f = std::fopen(path_, "r");
    if (!f) return 0;
    std::size_t n = 0;
    char line[256];
    while (n < max && std::fgets(line, sizeof line, f)) {
        line[std::strcspn(line, "\r\n")] = '\0';
        char* fields[4] = {};
        char* cursor = line;
        std::size_t count = 0;
        while (count < 4) {
            fields[count++] = cursor;
            char* tab = std::strchr(cursor, '\t');
            if (!tab) break;
            *tab = '\0';
            cursor = tab + 1;
        }
        const std::size_t len = std::strlen(fields[0]);
        if (count < 2 || len == 0 || len > 32) continue;  // not a network line
        hal::AccessPoint& ap = out[n++];
        std::memset(&ap, 0, sizeof ap);
        std::memcpy(ap.ssid, fields[0], len);
        ap.ssid_len = static_cast<std::uint8_t>(len);
        ap.security = static_cast<std::uint32_t>(std::strtoul(fields[1], nullptr, 16));
        ap.channel = count > 2 ? static_cast<std::uint8_t>(std::atoi(fields[2])) : 1;
        ap.rssi = count > 3 ? static_cast<std::int16_t>(std::atoi(fields[3])) : -50;
    }
    std::fclose(f);
    return n;
}

}  // namespace native
