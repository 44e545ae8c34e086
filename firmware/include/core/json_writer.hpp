#pragma once
// Compact JSON (no whitespace, like Device OS's JSONWriter) straight to the console.
#include <cstdint>

#include "core/console_output.hpp"

namespace core {

class JsonWriter {
public:
    explicit JsonWriter(ConsoleOutput& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(const char* name);
    void string(const char* value);
    void number(std::uint32_t value);

private:
    void open(char c);
    void close(char c);
    void separate();
    void quoted(const char* s);

    ConsoleOutput& out_;
    bool need_comma_ = false;
};

}  // namespace core
