#pragma once
// The SoftAP command set (softap-protocol.md §5), independent of the transport that carries
// it: the TCP simple protocol and HTTP both look a command up here and run it into a reply.
#include <cstddef>
#include <cstdint>

#include "core/device_config.hpp"
#include "core/device_key.hpp"
#include "core/network_join.hpp"
#include "core/reply_buffer.hpp"
#include "hal/event_log.hpp"
#include "hal/identity.hpp"
#include "hal/radio.hpp"

namespace core {

enum class SoftApCommand : std::uint8_t {
    unknown, version, device_id, scan_ap, configure_ap, connect_ap, public_key, set,
    connect_status,                     // harken: the latched join outcome
    antenna_internal, antenna_external, // TCP only
};

// System-level effects of SoftAP commands.
class SetupActions {
public:
    virtual ~SetupActions() = default;
    virtual void credentials_changed() = 0;  // configure-ap stored a profile
    virtual void connect_requested() = 0;    // connect-ap
    virtual void outcome_reported() = 0;     // connect-status delivered a finished outcome
};

struct SoftApContext {
    const hal::Identity& identity;
    DeviceConfig& config;
    hal::Radio* radio;
    DeviceKey& key;
    const NetworkJoin& join;
    SetupActions& actions;
    hal::EventLog& log;
};

// What a command left in the reply.
enum class SoftApReply : std::uint8_t {
    json,        // a JSON object
    bad_json,    // the request body failed validation (Device OS: no reply at all)
    nothing,     // the command never answers (antenna switches)
};

SoftApCommand softap_command_named(const char* name);
// HTTP: the command page for a path ("/version" …), or unknown.
SoftApCommand softap_command_for_path(const char* path);

SoftApReply run_softap_command(SoftApCommand command, const std::uint8_t* body, std::size_t len,
                               SoftApContext& ctx, ReplyBuffer& out);

// configure-ap lives in its own file: it is most of the protocol.
SoftApReply run_configure_ap(const char* body, std::size_t len, SoftApContext& ctx,
                             ReplyBuffer& out);

// {"r":N}
void write_result(TextOutput& out, std::int32_t code);

}  // namespace core
