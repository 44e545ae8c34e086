#include "core/led_signals.hpp"

namespace core {
namespace led {
namespace {

constexpr Pattern S = Pattern::solid, B = Pattern::blink, F = Pattern::breathe;

// §4 default theme.
constexpr SignalRow kSignals[kSignalCount] = {
    {Signal::network_off, "NETWORK_OFF", {0xFFFFFF, F, 4000}, {0xFF, 0xF3, 0x50}, Level::background},
    {Signal::network_on, "NETWORK_ON", {0x0000FF, F, 4000}, {0x00, 0xF3, 0x50}, Level::background},
    {Signal::network_connecting, "NETWORK_CONNECTING", {0x00FF00, B, 200}, {0x0F, 0x02, 0x04}, Level::normal},
    {Signal::network_dhcp, "NETWORK_DHCP", {0x00FF00, B, 100}, {0x0F, 0x02, 0x02}, Level::normal},
    {Signal::network_connected, "NETWORK_CONNECTED", {0x00FF00, F, 4000}, {0x0F, 0x03, 0x50}, Level::background},
    {Signal::cloud_connecting, "CLOUD_CONNECTING", {0x00FFFF, B, 200}, {0x0F, 0xF2, 0x04}, Level::normal},
    {Signal::cloud_handshake, "CLOUD_HANDSHAKE", {0x00FFFF, B, 100}, {0x0F, 0xF2, 0x02}, Level::normal},
    {Signal::cloud_connected, "CLOUD_CONNECTED", {0x00FFFF, F, 4000}, {0x0F, 0xF3, 0x50}, Level::background},
    {Signal::safe_mode, "SAFE_MODE", {0xFF00FF, F, 4000}, {0xF0, 0xF3, 0x50}, Level::background},
    {Signal::listening_mode, "LISTENING_MODE", {0x0000FF, B, 500}, {0x00, 0xF2, 0x0A}, Level::critical},
    {Signal::dfu_mode, "DFU_MODE", {0xFFFF00, B, 200}, {0xFF, 0x02, 0x04}, Level::none},
    {Signal::firmware_update, "FIRMWARE_UPDATE", {0xFF00FF, B, 100}, {0xF0, 0xF2, 0x02}, Level::none},
    {Signal::power_off, "POWER_OFF", {0x111111, S, 0}, {0x11, 0x11, 0x00}, Level::critical},
};

constexpr std::uint32_t widen(std::uint8_t nibble) { return nibble * 17u; }

}  // namespace

const SignalRow& signal_row(Signal signal) {
    return kSignals[static_cast<std::uint8_t>(signal) % kSignalCount];
}

Level system_level(Signal signal, bool system_thread) {
    if (signal == Signal::listening_mode && system_thread) return Level::normal;
    return signal_row(signal).level;
}

Look decode_theme(const std::uint8_t entry[3]) {
    const std::uint32_t rgb = widen(entry[0] >> 4) << 16 | widen(entry[0] & 0xF) << 8 |
                              widen(entry[1] >> 4);
    return {rgb, static_cast<Pattern>(entry[1] & 0xF),
            static_cast<std::uint16_t>(entry[2] * 50u)};
}

bool StatusArbiter::activate(std::uint8_t id, std::uint8_t prio) {
    deactivate(id);
    if (count_ == kCapacity) return false;
    std::size_t at = 0;
    while (at < count_ && entries_[at].priority > prio) ++at;
    for (std::size_t i = count_; i > at; --i) entries_[i] = entries_[i - 1];
    entries_[at] = {id, prio};
    ++count_;
    return true;
}

void StatusArbiter::deactivate(std::uint8_t id) {
    for (std::size_t i = 0; i < count_; ++i) {
        if (entries_[i].id != id) continue;
        for (std::size_t j = i + 1; j < count_; ++j) entries_[j - 1] = entries_[j];
        --count_;
        return;
    }
}

bool StatusArbiter::activate(Signal signal, bool system_thread) {
    const Level level = system_level(signal, system_thread);
    if (level == Level::none) return false;
    return activate(static_cast<std::uint8_t>(signal), priority(level, Source::system));
}

bool StatusArbiter::active(std::uint8_t id) const {
    for (std::size_t i = 0; i < count_; ++i)
        if (entries_[i].id == id) return true;
    return false;
}

}  // namespace led
}  // namespace core
