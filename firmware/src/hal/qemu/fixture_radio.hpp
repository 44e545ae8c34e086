#pragma once
// The QEMU image's simulated Wi-Fi radio: the networks the host pushes over the fixture
// channel (`NET CLEAR`, `NET ADD`; protocol/qemu-fixture.md) in a fixed table, joined like
// the native device's (core::SimulatedRadio) on the SysTick clock.
#include <cstddef>

#include "core/simulated_radio.hpp"

namespace qemu {

class FixtureRadio final : public core::SimulatedRadio {
public:
    static constexpr std::size_t kMaxNetworks = 16;

    explicit FixtureRadio(hal::Clock& clock) : core::SimulatedRadio(clock) {}
    void clear() { count_ = 0; }
    // Appends a network; false when the table is full.
    bool add(const core::SimulatedNetwork& network);
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override;

protected:
    bool find(const char* ssid, std::size_t len, core::SimulatedNetwork* out) const override;

private:
    core::SimulatedNetwork networks_[kMaxNetworks];
    std::size_t count_ = 0;
};

}  // namespace qemu
