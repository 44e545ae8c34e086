// SoftAP commands run on their JSON bodies directly (softap_commands.cpp,
// softap_configure.cpp): configure-ap with every security and EAP form, set, connect-ap and
// the rest, on a Photon's configuration with the vectors' key. The body sits at the very
// end of its buffer after its NUL, so a read past it is an out-of-bounds read.
#include "core/device_key.hpp"
#include "core/network_join.hpp"
#include "core/softap_commands.hpp"
#include "core/softap_request.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

class Actions final : public core::SetupActions {
public:
    void credentials_changed() override {}
    void connect_requested() override {}
    void outcome_reported() override {}
};

fuzz::Flash g_keyed;
fuzz::Flash g_flash;
fuzz::Clock g_clock;
fuzz::Log g_log;
fuzz::Entropy g_entropy;
fuzz::Radio g_radio;
Actions g_actions;
hal::Identity g_identity{};
core::ConfigStore g_store(g_flash);
core::DeviceConfig g_config(g_store);
core::ReplyBuffer g_reply;
std::uint8_t g_body[core::SoftApRequest::kMaxBody + 1];

void init() {
    fuzz::make_keyed_flash(g_keyed);
    std::memcpy(g_flash.cells, g_keyed.cells, sizeof g_flash.cells);
    FUZZ_CHECK(g_store.load() && g_store.has_copy());
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t which = in.byte();
    const auto command = static_cast<core::SoftApCommand>(which % 11);
    std::size_t len;
    const std::uint8_t* body = in.rest(&len);
    if (len > core::SoftApRequest::kMaxBody) len = core::SoftApRequest::kMaxBody;
    std::uint8_t* at = g_body + sizeof g_body - 1 - len;
    std::memcpy(at, body, len);
    at[len] = 0;

    // Flash and RAM copy back to the keyed image: configure-ap and set commit.
    if (g_store.dirty() || g_flash.ops) {
        std::memcpy(g_flash.cells, g_keyed.cells, sizeof g_flash.cells);
        g_store.load();
    }
    g_flash.ops = 0;
    g_entropy = fuzz::Entropy();
    g_radio = fuzz::Radio();
    g_reply.clear();
    fuzz::NoHeap no_heap;
    core::DeviceKey key(g_store, g_entropy);
    core::NetworkJoin join(g_config, &g_radio, g_clock);
    core::SoftApContext ctx{g_identity, g_config, &g_radio, key, join, g_actions, g_log};
    const core::SoftApReply reply = core::run_softap_command(command, at, len, ctx, g_reply);
    FUZZ_CHECK(g_reply.size() <= core::ReplyBuffer::kCapacity);
    if (reply == core::SoftApReply::json) {
        FUZZ_CHECK(g_reply.size() >= 2 && g_reply.data()[0] == '{' &&
                   g_reply.data()[g_reply.size() - 1] == '}');
    }
    // Whatever was stored must read back: every profile slot parses.
    core::StoredProfile profile;
    for (std::size_t slot = 0; slot < 5; ++slot)
        if (g_config.wifi_profile(slot, &profile))
            FUZZ_CHECK(profile.ssid_len <= 32 && profile.key_len <= sizeof profile.key);
}

}  // namespace

HARKEN_FUZZ_HARNESS("softap_commands", init, run);
