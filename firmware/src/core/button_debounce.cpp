#include "core/button_debounce.hpp"

namespace core {
namespace button {
namespace {

// held_ms_ stops short of wrapping (after ~497 days), so a stuck button never reads 0 again,
// which would look like a fresh press.
constexpr std::uint32_t kHeldCeiling = UINT32_MAX - kTickMs;

}  // namespace

Edge Debounce::tick(bool pressed) {
    if (!active_) {
        if (!pressed) return Edge::none;
        active_ = true;  // the falling edge: this tick is the first of the press
        held_ms_ = 0;
    }
    if (!pressed) {
        active_ = false;
        held_ms_ = 0;
        return Edge::release;
    }
    Edge edge = Edge::none;
    if (held_ms_ == 0) {
        held_ms_ = kTickMs;  // as Device OS: 10, then this tick's 10, so the first tick reads 20
        edge = Edge::press;
    }
    if (held_ms_ <= kHeldCeiling) held_ms_ += kTickMs;
    return edge;
}

}  // namespace button
}  // namespace core
