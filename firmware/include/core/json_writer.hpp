#pragma once
// Compact JSON (no whitespace, like Device OS's JSONWriter) straight to a text output.
#include <cstdint>

#include "core/text_output.hpp"

namespace core {

class JsonWriter {
public:
    explicit JsonWriter(TextOutput& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(const char* name);
    void string(const char* value);
    void number(std::uint32_t value);
    void integer(std::int32_t value);

private:
    void open(char c);
    void close(char c);
    void separate();
    void quoted(const char* s);

    TextOutput& out_;
    bool need_comma_ = false;
};

}  // namespace core
