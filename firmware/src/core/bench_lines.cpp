#include "core/bench_lines.hpp"

#include <cstring>

namespace core {
namespace bench {
namespace {

// Splits "WORD rest": true if `text` starts with `word` followed by a space or the end.
bool starts(const char* text, const char* word, const char** rest) {
    const std::size_t n = std::strlen(word);
    if (std::strncmp(text, word, n) != 0 || (text[n] != ' ' && text[n] != '\0')) return false;
    *rest = text[n] == ' ' ? text + n + 1 : text + n;
    return true;
}

// Up to `count` space-separated decimals that fill `text` exactly.
bool parse_numbers(const char* text, std::uint32_t* out, int count, std::uint32_t max) {
    char word[12];
    for (int i = 0; i < count; ++i) {
        const char* space = std::strchr(text, ' ');
        const std::size_t len = space ? static_cast<std::size_t>(space - text) : std::strlen(text);
        if (len == 0 || len >= sizeof word || (i + 1 < count) != (space != nullptr)) return false;
        std::memcpy(word, text, len);
        word[len] = '\0';
        if (!parse_decimal(word, max, &out[i])) return false;
        text = space ? space + 1 : text + len;
    }
    return true;
}

const char* pattern_name(led::Pattern pattern) {
    switch (pattern) {
        case led::Pattern::blink: return "blink";
        case led::Pattern::breathe: return "breathe";
        default: return "solid";
    }
}

}  // namespace

bool parse_decimal(const char* text, std::uint32_t max, std::uint32_t* out) {
    if (!*text) return false;
    std::uint32_t value = 0;
    for (; *text; ++text) {
        if (*text < '0' || *text > '9') return false;
        const std::uint32_t digit = static_cast<std::uint32_t>(*text - '0');
        if (digit > max || value > (max - digit) / 10) return false;
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

const char* button_command(const char* args, BenchButton& button) {
    const char* rest = nullptr;
    std::uint32_t n[3];
    if (std::strcmp(args, "DOWN") == 0) {
        button.down();
    } else if (std::strcmp(args, "UP") == 0) {
        button.up();
    } else if (starts(args, "PRESS", &rest)) {
        if (!parse_numbers(rest, n, 1, BenchButton::kMaxPressMs) || !button.script(1, n[0], 0))
            return "bad argument";
    } else if (starts(args, "CLICKS", &rest)) {
        if (!parse_numbers(rest, n, 3, BenchButton::kMaxPressMs) || !button.script(n[0], n[1], n[2]))
            return "bad argument";
    } else {
        return "bad argument";
    }
    return nullptr;
}

const char* reset_command(const char* args, std::uint32_t* hold_ms) {
    const char* rest = nullptr;
    *hold_ms = 0;
    if (!*args) return nullptr;
    if (!starts(args, "HOLD", &rest) ||
        !parse_numbers(rest, hold_ms, 1, BenchButton::kMaxPressMs) || *hold_ms == 0)
        return "bad argument";
    return nullptr;
}

void EventLines::drive(std::uint16_t r, std::uint16_t g, std::uint16_t b) {
    Line text;
    begin(text, "@LED");
    text.decimal(r);
    text.byte(' ');
    text.decimal(g);
    text.byte(' ');
    text.decimal(b);
    finish(text);
}

void EventLines::showing(const char* name, const led::Look& look) {
    Line text;
    begin(text, "@LOOK");
    text.text(name);
    const std::uint8_t rgb[3] = {static_cast<std::uint8_t>(look.rgb >> 16),
                                 static_cast<std::uint8_t>(look.rgb >> 8),
                                 static_cast<std::uint8_t>(look.rgb)};
    text.byte(' ');
    text.hex(rgb, sizeof rgb);
    text.byte(' ');
    text.text(pattern_name(look.pattern));
    text.byte(' ');
    text.decimal(look.pattern == led::Pattern::solid ? 0u : look.period_ms);
    finish(text);
}

void EventLines::button(const char* event, std::uint32_t value) {
    Line text;
    begin(text, "@BTN");
    text.text(event);
    text.byte(' ');
    text.decimal(value);
    finish(text);
}

void EventLines::mode(const char* name) {
    Line text;
    begin(text, "@MODE");
    text.text(name);
    finish(text);
}

void EventLines::begin(Line& text, const char* kind) {
    text.text(kind);
    text.byte(' ');
    text.decimal(clock_.millis());
    text.byte(' ');
}

void EventLines::finish(Line& text) {
    text.byte('\n');
    out_.write(text.data(), text.size());
}

}  // namespace bench
}  // namespace core
