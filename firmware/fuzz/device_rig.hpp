#pragma once
// A whole device on fixed-buffer fakes, rebuilt for every input from a flash image made once
// (the golden vectors' device key already stored, so no input pays for key generation).
#include <new>

#include "core/dct_layout.hpp"
#include "core/device.hpp"
#include "core/platform_info.hpp"
#include "fuzz_support.hpp"

namespace fuzz {

class Control final : public hal::SystemControl {
public:
    bool reset_requested = false;
    hal::BootMode next = hal::BootMode::normal;
    std::uint32_t backup = 0;
    void reset(hal::BootMode mode) override {
        reset_requested = true;
        next = mode;
    }
    std::uint32_t listen_flag_register() override { return backup; }
    void set_listen_flag_register(std::uint32_t v) override { backup = v; }
};

// Three networks (the SoftAP vectors'); a join ends as the input chose.
class Radio final : public hal::Radio {
public:
    hal::JoinProgress result = hal::JoinProgress::joined;
    hal::JoinProgress state = hal::JoinProgress::idle;
    std::size_t scan(hal::AccessPoint* out, std::size_t max) override {
        static const struct {
            const char* ssid;
            std::uint32_t security;
            std::uint8_t channel;
        } kNetworks[] = {{"HomeNet", 0x400004, 6}, {"Guest", 0, 11}, {"OldWep", 1, 1}};
        std::size_t n = 0;
        for (const auto& k : kNetworks) {
            if (n == max) break;
            hal::AccessPoint ap{};
            std::strcpy(ap.ssid, k.ssid);
            ap.ssid_len = static_cast<std::uint8_t>(std::strlen(k.ssid));
            ap.security = k.security;
            ap.channel = k.channel;
            ap.rssi = -50;
            ap.max_rate_kbps = 72200;
            out[n++] = ap;
        }
        return n;
    }
    void join(const hal::JoinRequest& r) override {
        FUZZ_CHECK(r.ssid_len <= 32 && r.key_len <= 64);
        FUZZ_CHECK(r.ssid_len == 0 || r.ssid != nullptr);
        FUZZ_CHECK(r.key_len == 0 || r.key != nullptr);
        state = hal::JoinProgress::joining;
    }
    hal::JoinProgress progress() override {
        if (state == hal::JoinProgress::joining) state = result;
        return state;
    }
    void leave() override { state = hal::JoinProgress::idle; }
    bool link_rssi(std::int16_t* dbm) override {
        if (state != hal::JoinProgress::joined) return false;
        *dbm = -50;
        return true;
    }
};

// The setup AP's sockets: a few client connections whose bytes the harness queues.
class Listener final : public hal::SetupListener {
public:
    static constexpr int kMax = 8;
    static constexpr std::size_t kInbound = 4096;
    struct Connection {
        hal::SetupService service;
        std::uint8_t inbound[kInbound];
        std::size_t head, tail;
        bool finished, broken, accepted, closed, open;
        std::size_t sent;
    };
    bool up = false;
    Connection connections[kMax];
    int count = 0;

    void clear() {
        up = false;
        count = 0;
    }
    int connect(hal::SetupService service) {
        if (count == kMax) return -1;
        Connection& c = connections[count];
        c.service = service;
        c.head = c.tail = c.sent = 0;
        c.finished = c.broken = c.accepted = c.closed = false;
        c.open = true;
        return count++;
    }
    void push(int id, const std::uint8_t* data, std::size_t len) {
        Connection& c = connections[id];
        if (c.head == c.tail) c.head = c.tail = 0;
        if (len > kInbound - c.tail) len = kInbound - c.tail;
        std::memcpy(c.inbound + c.tail, data, len);
        c.tail += len;
    }

    bool start() override { return up = true; }
    void stop() override {
        up = false;
        for (int i = 0; i < count; ++i) connections[i].closed = true;
    }
    int accept(hal::SetupService* service) override {
        for (int i = 0; up && i < count; ++i) {
            if (connections[i].accepted || connections[i].closed) continue;
            connections[i].accepted = true;
            *service = connections[i].service;
            return i;
        }
        return -1;
    }
    long receive(int id, std::uint8_t* buf, std::size_t max) override {
        Connection& c = live(id);
        if (c.broken) return kBroken;
        if (c.head == c.tail) return c.finished ? kPeerFinished : 0;
        const std::size_t n = c.tail - c.head < max ? c.tail - c.head : max;
        std::memcpy(buf, c.inbound + c.head, n);
        c.head += n;
        return static_cast<long>(n);
    }
    bool send(int id, const std::uint8_t* data, std::size_t len) override {
        Connection& c = live(id);
        FUZZ_CHECK(data != nullptr || len == 0);
        c.sent += len;
        return true;
    }
    void close(int id) override { live(id).closed = true; }

private:
    // The server may only use connections it accepted and has not closed.
    Connection& live(int id) {
        FUZZ_CHECK(id >= 0 && id < count);
        FUZZ_CHECK(connections[id].accepted && !connections[id].closed);
        return connections[id];
    }
};

// Firmware files land in a fixed 64 KB window; larger ones are refused at begin().
class UpdateStore final : public hal::UpdateStore {
public:
    static constexpr std::uint32_t kCapacity = 64 * 1024;
    std::uint8_t image[kCapacity];
    std::uint32_t size = 0;
    bool queued = false;
    hal::FlashSlot slot{0x08020000, 0x60000};   // a Photon's, as the update vectors'

    void clear() {
        std::memset(image, 0xFF, sizeof image);   // no file of an earlier input survives
        size = 0;
        queued = false;
    }
    hal::FlashSlot install_slot() const override { return slot; }
    std::uint32_t capacity() const override { return kCapacity; }
    bool begin(std::uint32_t n) override {
        if (n > kCapacity) return false;
        size = n;
        queued = false;
        return true;
    }
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override {
        FUZZ_CHECK(data != nullptr);
        FUZZ_CHECK(offset <= size && len <= size - offset);   // within the announced file
        if (offset > kCapacity || len > kCapacity - offset) return false;
        std::memcpy(image + offset, data, len);
        return true;
    }
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        if (offset > kCapacity || len > kCapacity - offset) return false;
        std::memcpy(dst, image + offset, len);
        return true;
    }
    bool queue_install(std::uint32_t length) override {
        FUZZ_CHECK(length <= kCapacity);
        queued = true;
        return true;
    }
    void discard() override { queued = false; }
    void restart_to_install() override {}
};

// Stores the vectors' key (or, without the file, one generated from fixed entropy) in an
// empty DCT: the image every device and key harness starts from.
void make_keyed_flash(Flash& flash);

// Platform, identity and running image of one input's device; the fakes stay put.
struct DeviceRig {
    Port console;
    Flash flash;
    Clock clock;
    Control control;
    Log log;
    Radio radio;
    Entropy entropy;
    Listener listener;
    UpdateStore updates;
    hal::Identity identity{};
    core::RunningImage image{};
    // The test pads (nullptr: none), set before start(); with pads_are_console they are the
    // console too, as on the boards.
    hal::ConsolePort* pads = nullptr;
    bool pads_are_console = false;
    alignas(core::Device) unsigned char storage[sizeof(core::Device)];
    core::Device* device = nullptr;

    // `platform`: "photon", "p1", "electron". Boots; the caller drives the device.
    core::Device& start(const char* platform, const std::uint8_t* keyed_flash);
    void stop();
};

}  // namespace fuzz
