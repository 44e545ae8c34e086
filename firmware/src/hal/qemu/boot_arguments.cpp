#include "boot_arguments.hpp"

#include <cstring>

#include "semihosting.hpp"

namespace qemu {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes exactly `len` hex digits (an even number, at most 2 * cap) into out.
bool from_hex(const char* text, std::size_t len, std::uint8_t* out, std::size_t cap) {
    if (len == 0 || len % 2 || len / 2 > cap) return false;
    for (std::size_t i = 0; i < len; i += 2) {
        const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i / 2] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return true;
}

// Copies `len` decimal digits (min..max of them) as a C string into out.
bool digits(const char* text, std::size_t len, std::size_t min, std::size_t max, char* out) {
    if (len < min || len > max) return false;
    for (std::size_t i = 0; i < len; ++i)
        if (text[i] < '0' || text[i] > '9') return false;
    std::memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

// A path value that does not fit is rejected whole (a cut path would name another file).
void copy_path(const char* v, std::size_t n, char (&dst)[BootArguments::kMaxPath],
               const char* key, BootArguments* out) {
    if (n >= sizeof dst) {
        if (!out->rejected) out->rejected = key;
        return;
    }
    std::memcpy(dst, v, n);
    dst[n] = '\0';
}

bool key_is(const char* word, std::size_t len, const char* key, const char** value,
            std::size_t* value_len) {
    const std::size_t k = std::strlen(key);
    if (len <= k || std::strncmp(word, key, k) != 0 || word[k] != '=') return false;
    *value = word + k + 1;
    *value_len = len - k - 1;
    return true;
}

void apply(const char* word, std::size_t len, BootArguments* out) {
    const char* v;
    std::size_t n;
    if (key_is(word, len, "dct", &v, &n)) {
        copy_path(v, n, out->dct_path, "dct", out);
    } else if (key_is(word, len, "ota", &v, &n)) {
        copy_path(v, n, out->ota_path, "ota", out);
    } else if (key_is(word, len, "device_id", &v, &n)) {
        std::uint8_t id[12];
        if (n != 24 || !from_hex(v, n, id, sizeof id)) {
            if (!out->rejected) out->rejected = "device_id";
            return;
        }
        std::memcpy(out->device_id, id, sizeof id);
    } else if (key_is(word, len, "mac", &v, &n)) {
        std::uint8_t mac[6];
        if (n != 12 || !from_hex(v, n, mac, sizeof mac)) {
            if (!out->rejected) out->rejected = "mac";
            return;
        }
        std::memcpy(out->mac, mac, sizeof mac);
    } else if (key_is(word, len, "imei", &v, &n)) {
        if (!digits(v, n, 15, 16, out->imei) && !out->rejected) out->rejected = "imei";
    } else if (key_is(word, len, "iccid", &v, &n)) {
        if (!digits(v, n, 18, 22, out->iccid) && !out->rejected) out->rejected = "iccid";
    } else if (key_is(word, len, "seed", &v, &n)) {
        if (!from_hex(v, n, out->seed, sizeof out->seed)) {
            out->seed_len = 0;
            if (!out->rejected) out->rejected = "seed";
            return;
        }
        out->seed_len = n / 2;
    }
}

}  // namespace

void parse_boot_arguments(const char* line, BootArguments* out) {
    while (*line) {
        while (*line == ' ') ++line;
        const char* end = line;
        while (*end && *end != ' ') ++end;
        if (end > line) apply(line, static_cast<std::size_t>(end - line), out);
        line = end;
    }
}

const BootArguments& boot_arguments() {
    static BootArguments args;
    static bool read = false;
    if (!read) {
        read = true;
        char line[512];
        if (command_line(line, sizeof line)) parse_boot_arguments(line, &args);
        if (args.rejected) {
            write_stderr("[system] ignored a malformed boot argument: ");
            write_stderr(args.rejected);
            write_stderr("\n");
        }
    }
    return args;
}

}  // namespace qemu
