#include "identity_file.hpp"

#include <cstdio>
#include <cstring>

namespace native {
namespace {

bool random_bytes(std::uint8_t* out, std::size_t n) {
    FILE* f = std::fopen("/dev/urandom", "rb");
    if (!f) return false;
    const bool ok = std::fread(out, 1, n, f) == n;
    std::fclose(f);
    return ok;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Parses hex digits, skipping ':' separators; true when exactly n bytes were read.
bool parse_hex(const char* s, std::uint8_t* out, std::size_t n) {
    std::size_t count = 0;
    while (*s && count < 2 * n) {
        if (*s == ':') {
            ++s;
            continue;
        }
        const int v = hex_digit(*s++);
        if (v < 0) return false;
        out[count / 2] = static_cast<std::uint8_t>(count % 2 ? (out[count / 2] | v) : v << 4);
        ++count;
    }
    return count == 2 * n && *s == '\0';
}

void copy_text(char* dst, std::size_t size, const char* src) {
    std::snprintf(dst, size, "%s", src);
}

void digits(char* out, std::size_t n, const std::uint8_t* random) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>('0' + random[i] % 10);
    out[n] = '\0';
}

bool create(const char* path, const core::PlatformInfo& platform, hal::Identity* id) {
    std::uint8_t r[64];
    if (!random_bytes(r, sizeof r)) return false;
    std::memcpy(id->device_id, r, 12);
    // USI's OUI, as on Photon/P1 Wi-Fi modules, then three random octets.
    const std::uint8_t mac[6] = {0x6c, 0x0b, 0x84, r[12], r[13], r[14]};
    std::memcpy(id->mac, mac, 6);
    if (!platform.has_wifi) {  // a simulated u-blox modem with a SIM inserted
        std::memcpy(id->imei, "35", 2);
        digits(id->imei + 2, 13, r + 16);
        std::memcpy(id->iccid, "8901", 4);
        digits(id->iccid + 4, 16, r + 32);
        copy_text(id->cell_radio_version, sizeof id->cell_radio_version, "23.60");
    }
    FILE* f = std::fopen(path, "w");
    if (!f) return false;
    std::fprintf(f, "device_id=");
    for (std::uint8_t b : id->device_id) std::fprintf(f, "%02x", b);
    std::fprintf(f, "\nmac=%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3],
                 mac[4], mac[5]);
    if (!platform.has_wifi)
        std::fprintf(f, "imei=%s\niccid=%s\ncell_radio_version=%s\n", id->imei, id->iccid,
                     id->cell_radio_version);
    return std::fclose(f) == 0;
}

}  // namespace

bool load_or_create_identity(const char* path, const core::PlatformInfo& platform,
                             hal::Identity* id) {
    std::memset(id, 0, sizeof *id);
    FILE* f = std::fopen(path, "r");
    if (!f) return create(path, platform, id);
    char line[128];
    bool have_id = false;
    while (std::fgets(line, sizeof line, f)) {
        line[std::strcspn(line, "\r\n")] = '\0';
        char* eq = std::strchr(line, '=');
        if (!eq) continue;
        *eq = '\0';
        const char* key = line;
        const char* value = eq + 1;
        if (!std::strcmp(key, "device_id")) have_id = parse_hex(value, id->device_id, 12);
        else if (!std::strcmp(key, "mac")) parse_hex(value, id->mac, 6);
        else if (!std::strcmp(key, "serial_number"))
            copy_text(id->serial_number, sizeof id->serial_number, value);
        else if (!std::strcmp(key, "imei")) copy_text(id->imei, sizeof id->imei, value);
        else if (!std::strcmp(key, "iccid")) copy_text(id->iccid, sizeof id->iccid, value);
        else if (!std::strcmp(key, "cell_radio_version"))
            copy_text(id->cell_radio_version, sizeof id->cell_radio_version, value);
    }
    std::fclose(f);
    return have_id;
}

}  // namespace native
