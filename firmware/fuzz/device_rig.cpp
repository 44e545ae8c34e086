#include "device_rig.hpp"

#include "core/config_store.hpp"
#include "core/device_key.hpp"

namespace fuzz {

void make_keyed_flash(Flash& flash) {
    flash.reset(0xFF);
    static core::ConfigStore store(flash);
    store.load();
    std::size_t len = 0;
    const std::uint8_t* key = vector_key_der(&len);
    if (key) {
        FUZZ_CHECK(store.write(::dct::kAppSection + ::dct::app::kDevicePrivateKey, key,
                               len) &&
                   store.commit());
    } else {
        Entropy entropy;
        core::DeviceKey generated(store, entropy);
        FUZZ_CHECK(generated.ensure());
    }
}

core::Device& DeviceRig::start(const char* platform_name, const std::uint8_t* keyed_flash) {
    stop();
    const core::PlatformInfo* platform = core::platform_by_name(platform_name);
    FUZZ_CHECK(platform != nullptr);
    console.clear();
    std::memcpy(flash.cells, keyed_flash, sizeof flash.cells);
    flash.ops = 0;
    flash.fail_after = -1;
    clock.now = 1000;
    control = Control();
    radio = Radio();
    entropy = Entropy();
    listener.clear();
    updates.clear();
    static const std::uint8_t kId[12] = {0x3a, 0x00, 0x28, 0x00, 0x04, 0x47,
                                         0x34, 0x32, 0x32, 0x36, 0x32, 0x30};
    identity = hal::Identity{};
    std::memcpy(identity.device_id, kId, sizeof kId);
    if (!platform->has_wifi) std::strcpy(identity.iccid, "89314404000012345678");
    image = core::RunningImage{};
    image.prefix.version = core::kModuleVersion;
    image.prefix.platform_id = platform->id;
    image.prefix.function = static_cast<std::uint8_t>(core::ModuleFunction::monolithic);
    image.slot_size = platform->monolithic_max_size;
    image.product_id = platform->id;
    image.product_version = 0xFFFF;
    hal::ConsolePort& serial = pads && pads_are_console ? *pads : console;
    core::Board board{*platform, serial, flash, clock, control, log, identity, entropy,
                      platform->has_wifi ? &radio : nullptr,
                      platform->has_wifi ? &listener : nullptr, image,
                      platform->listen_timeout_ms};
    board.updates = &updates;
    board.test_pads = pads;
    device = new (storage) core::Device(board);
    device->boot(hal::BootMode::normal);
    return *device;
}

void DeviceRig::stop() {
    if (device) device->~Device();
    device = nullptr;
}

}  // namespace fuzz
