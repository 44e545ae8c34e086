#include "core/softap_commands.hpp"

#include <cstring>

#include "core/flat_json.hpp"
#include "core/json_writer.hpp"

namespace core {
namespace {

struct CommandName {
    const char* name;
    SoftApCommand command;
    bool http;   // has a page on the web server
};

constexpr CommandName kCommands[] = {
    {"version", SoftApCommand::version, true},
    {"device-id", SoftApCommand::device_id, true},
    {"scan-ap", SoftApCommand::scan_ap, true},
    {"configure-ap", SoftApCommand::configure_ap, true},
    {"connect-ap", SoftApCommand::connect_ap, true},
    {"public-key", SoftApCommand::public_key, true},
    {"set", SoftApCommand::set, true},
    {"connect-status", SoftApCommand::connect_status, true},
    {"ant-internal", SoftApCommand::antenna_internal, false},
    {"ant-external", SoftApCommand::antenna_external, false},
};

constexpr std::size_t kMaxScan = 32;

void version(ReplyBuffer& out) { out.text("{\"v\":2}"); }

void device_id(SoftApContext& ctx, ReplyBuffer& out) {
    out.text("{\"id\":\"");
    out.hex(ctx.identity.device_id, sizeof ctx.identity.device_id, '\0', true);
    out.text(ctx.config.claimed() ? "\",\"c\":\"1\"}" : "\",\"c\":\"0\"}");
}

// Device OS streams one entry per BSSID as the scan runs; the simulated scan is immediate,
// and a reply that would overflow stops between entries.
void scan(SoftApContext& ctx, ReplyBuffer& out) {
    static hal::AccessPoint found[kMaxScan];
    const std::size_t n = ctx.radio ? ctx.radio->scan(found, kMaxScan) : 0;
    JsonWriter json(out);
    json.begin_object();
    json.key("scans");
    json.begin_array();
    out.reserve_tail(2);
    for (std::size_t i = 0; i < n; ++i) {
        const hal::AccessPoint& ap = found[i];
        if (ap.ssid_len == 0) continue;  // hidden networks are not listed
        const std::size_t mark = out.mark();
        json.begin_object();
        json.key("ssid");
        json.string(ap.ssid);
        json.key("rssi");
        json.integer(ap.rssi);
        json.key("sec");
        json.integer(static_cast<std::int32_t>(ap.security));
        json.key("ch");
        json.number(ap.channel);
        json.key("mdr");
        json.number(ap.max_rate_kbps);
        json.end_object();
        // A dropped entry leaves the writer after an object, which is where ']' goes.
        if (!out.keep_since(mark)) break;
    }
    out.release_tail();
    json.end_array();
    json.end_object();
}

void public_key(SoftApContext& ctx, ReplyBuffer& out) {
    std::uint8_t key[DeviceKey::kPublicKeyReplySize];
    if (!ctx.key.public_key(key)) return write_result(out, 1);
    out.text("{\"b\":\"");
    out.hex(key, sizeof key, '\0', true);
    out.text("\",\"r\":0}");
}

// set: {"k":"cc","v":"<claim code>"}; Device OS keeps 2 characters of k and 63 of v.
class SetRequest final : public JsonMemberSink {
public:
    void member(std::size_t key, const JsonValue& v) override { (key == 0 ? k : value) = v; }
    JsonValue k{"", 0, JsonType::string}, value{"", 0, JsonType::string};
};

SoftApReply set(const std::uint8_t* body, std::size_t len, SoftApContext& ctx, ReplyBuffer& out) {
    static const JsonKey kKeys[] = {{"k", JsonType::string}, {"v", JsonType::string}};
    SetRequest request;
    if (!read_flat_object(reinterpret_cast<const char*>(body), len, kKeys, 2, request))
        return SoftApReply::bad_json;
    const std::size_t key_len = request.k.len < 2 ? request.k.len : 2;
    const std::size_t value_len = request.value.len < 63 ? request.value.len : 63;
    if (key_len == 0 || value_len == 0 || key_len != 2 || std::memcmp(request.k.text, "cc", 2))
        write_result(out, -1);
    else
        write_result(out, ctx.config.set_claim_code(request.value.text, value_len) ? 0 : 4);
    return SoftApReply::json;
}

void connect_status(SoftApContext& ctx, ReplyBuffer& out) {
    const JoinOutcome& outcome = ctx.join.outcome();
    JsonWriter json(out);
    json.begin_object();
    json.key("r");
    json.integer(0);
    write_join_outcome(json, outcome);
    json.end_object();
    if (outcome.state == JoinState::connected || outcome.state == JoinState::failed)
        ctx.actions.outcome_reported();
}

}  // namespace

void write_result(TextOutput& out, std::int32_t code) {
    out.text("{\"r\":");
    out.signed_decimal(code);
    out.byte('}');
}

SoftApCommand softap_command_named(const char* name) {
    for (const auto& c : kCommands)
        if (!std::strcmp(name, c.name)) return c.command;
    return SoftApCommand::unknown;
}

SoftApCommand softap_command_for_path(const char* path) {
    if (path[0] != '/') return SoftApCommand::unknown;
    for (const auto& c : kCommands)
        if (c.http && !std::strcmp(path + 1, c.name)) return c.command;
    return SoftApCommand::unknown;
}

SoftApReply run_softap_command(SoftApCommand command, const std::uint8_t* body, std::size_t len,
                               SoftApContext& ctx, ReplyBuffer& out) {
    switch (command) {
        case SoftApCommand::version: version(out); break;
        case SoftApCommand::device_id: device_id(ctx, out); break;
        case SoftApCommand::scan_ap: scan(ctx, out); break;
        case SoftApCommand::public_key: public_key(ctx, out); break;
        case SoftApCommand::connect_status: connect_status(ctx, out); break;
        case SoftApCommand::configure_ap:
            return run_configure_ap(reinterpret_cast<const char*>(body), len, ctx, out);
        case SoftApCommand::set: return set(body, len, ctx, out);
        case SoftApCommand::connect_ap:
            // Device OS never reads the body ("todo - parse index") and always answers 0.
            write_result(out, 0);
            ctx.actions.connect_requested();
            break;
        case SoftApCommand::antenna_internal:
        case SoftApCommand::antenna_external:
            // The antenna switch belongs to the Wi-Fi driver; the simulated radio has one
            // antenna. Device OS closes these without a reply.
            ctx.log.event("softap", command == SoftApCommand::antenna_internal
                                        ? "antenna: internal requested"
                                        : "antenna: external requested");
            return SoftApReply::nothing;
        case SoftApCommand::unknown: return SoftApReply::nothing;
    }
    return SoftApReply::json;
}

}  // namespace core
