#pragma once
// The JSON that SoftAP requests carry (softap-protocol.md §4): one flat object whose
// members are strings or primitives, checked against the command's list of keys and types.
// Values are handed over as they stand between the quotes — Device OS does not unescape
// them (except certificates; see json_unescape) — and nothing is copied or allocated.
// Device OS's jsmn leaves malformed JSON undefined; here it is simply a failed request.
#include <cstddef>
#include <cstdint>

namespace core {

enum class JsonType : std::uint8_t { string, primitive };

struct JsonKey {
    const char* name;
    JsonType type;
};

struct JsonValue {
    const char* text;   // raw bytes between the quotes, or the primitive's characters
    std::size_t len;
    JsonType type;
};

// Receives each member in order (duplicates included: the last one wins for the caller).
class JsonMemberSink {
public:
    virtual ~JsonMemberSink() = default;
    virtual void member(std::size_t key_index, const JsonValue& value) = 0;
};

// False for malformed JSON, a key outside `keys`, or a value of the wrong type. Members
// are delivered only when the whole object is valid.
bool read_flat_object(const char* text, std::size_t len, const JsonKey* keys,
                      std::size_t key_count, JsonMemberSink& sink);

// Device OS's atoi on a primitive: optional sign, then digits up to the first other
// character (so null and true are 0, 4194310.0 is 4194310). Saturates instead of overflowing.
std::int32_t json_primitive_int(const JsonValue& value);

// The escapes Device OS decodes in certificates (\" \\ \/ \b \f \n \r \t; not \u).
// Returns the decoded length, or -1 when it does not fit or an escape is unknown.
long json_unescape(const char* text, std::size_t len, char* out, std::size_t max);

}  // namespace core
