#include "core/bridge_link.hpp"

#include <cstring>

#include "core/le_bytes.hpp"

namespace core {

using namespace bridge;

constexpr char BridgeLink::kHello[];

void BridgeLink::begin() { emit(kDeviceHello, 0, kHello, sizeof kHello - 1); }

void BridgeLink::poll() {
    const auto before = decoder_.counters();
    int c;
    while ((c = link_.read()) >= 0) decoder_.feed(static_cast<std::uint8_t>(c), *this);
    const auto& after = decoder_.counters();
    // The link is lossless, so a damaged frame is a bug on one side.
    if (after.bad_crc != before.bad_crc) log_.event("bridge", "dropped a frame: bad CRC");
    if (after.oversize != before.oversize) log_.event("bridge", "dropped a frame: too long");
}

bool BridgeLink::start() {
    if (!up_) {
        up_ = true;
        const std::uint8_t on = 1;
        emit(kAp, 0, &on, 1);
    }
    return true;
}

void BridgeLink::stop() {
    if (!up_) return;
    up_ = false;
    // The host drops every client when the AP goes down, so nothing is told per connection.
    detach_all();
    const std::uint8_t off = 0;
    emit(kAp, 0, &off, 1);
}

int BridgeLink::accept(hal::SetupService* service) {
    for (std::size_t i = 0; i < kConnections; ++i) {
        Connection& c = connections_[i];
        if (!c.used || c.accepted) continue;
        c.accepted = true;
        *service = c.service;
        return static_cast<int>(i);
    }
    return -1;
}

long BridgeLink::receive(int connection, std::uint8_t* buf, std::size_t max) {
    Connection* c = slot(connection);
    if (!c || c->broken) return kBroken;
    if (c->len == 0) return c->finished ? kPeerFinished : 0;
    const std::size_t n = c->len < max ? c->len : max;
    std::memcpy(buf, c->inbox, n);
    std::memmove(c->inbox, c->inbox + n, c->len - n);
    c->len -= n;
    grant(*c);
    return static_cast<long>(n);
}

bool BridgeLink::send(int connection, const std::uint8_t* data, std::size_t len) {
    Connection* c = slot(connection);
    if (!c || c->broken || c->number < 0) return false;
    // The host always reads, so the whole reply goes out now, in frames of at most 512.
    while (len > 0) {
        const std::size_t n = len < kMaxPayload ? len : kMaxPayload;
        emit(kDeviceData, c->number, data, n);
        data += n;
        len -= n;
    }
    return true;
}

void BridgeLink::close(int connection) {
    Connection* c = slot(connection);
    if (c) release(*c, true);
}

// ---- frames from the host ----------------------------------------------------------------

void BridgeLink::on_frame(const BridgeFrame& f) {
    if (f.type == kHostHello) return on_host_hello();
    if (f.type == kOpen) return on_open(f);
    if (f.type != kHostData && f.type != kFin && f.type != kReset) return;  // newer hosts
    Connection* c = find(f.connection);
    // Frames for a connection the device already closed cross its CLOSE: expected, ignored.
    if (!c) return;
    if (f.type == kReset) return on_reset(*c);
    if (c->finished || c->broken) return violation("data after FIN or RESET");
    if (f.type == kFin) {
        c->finished = true;
        return;
    }
    on_data(*c, f);
}

void BridgeLink::on_open(const BridgeFrame& f) {
    if (f.connection == 0) return violation("OPEN of connection 0");
    if (find(f.connection)) return violation("OPEN of a connection in use");
    if (f.length != 1 || f.payload[0] > 1) {  // a service this firmware does not offer
        violation("malformed OPEN");
        return emit(kRefused, f.connection);
    }
    Connection* free_slot = nullptr;
    for (Connection& c : connections_)
        if (!c.used) {
            free_slot = &c;
            break;
        }
    if (!up_ || !free_slot) return emit(kRefused, f.connection);
    Connection& c = *free_slot;
    c.number = f.connection;
    c.used = true;
    c.accepted = c.finished = c.broken = false;
    c.service = f.payload[0] == 0 ? hal::SetupService::simple : hal::SetupService::http;
    c.len = 0;
    c.credit = 0;
    grant(c);
}

void BridgeLink::on_data(Connection& c, const BridgeFrame& f) {
    std::size_t n = f.length;
    if (n > c.credit) {  // never written to beyond the inbox
        violation("DATA beyond credit");
        n = c.credit;
    }
    std::memcpy(c.inbox + c.len, f.payload, n);
    c.len += n;
    c.credit -= n;
}

void BridgeLink::on_reset(Connection& c) {
    c.broken = true;
    // Not yet handed to the server: nobody else will close it, so answer now. Otherwise the
    // server sees kBroken and its close() sends the CLOSE that ends the connection.
    if (!c.accepted) release(c, true);
}

void BridgeLink::on_host_hello() {
    // A (re)started host knows no connections: forget them, then say who we are and
    // whether the AP is up.
    detach_all();
    emit(kDeviceHello, 0, kHello, sizeof kHello - 1);
    const std::uint8_t state = up_ ? 1 : 0;
    emit(kAp, 0, &state, 1);
}

// ---- connections ---------------------------------------------------------------------------

void BridgeLink::detach_all() {
    for (Connection& c : connections_) {
        if (!c.used) continue;
        if (!c.accepted) {
            release(c, false);
            continue;
        }
        // The server still holds it: it reads kBroken and closes it, silently.
        c.broken = true;
        c.number = -1;
    }
}

BridgeLink::Connection* BridgeLink::find(std::uint8_t number) {
    for (Connection& c : connections_)
        if (c.used && c.number == number) return &c;
    return nullptr;
}

BridgeLink::Connection* BridgeLink::slot(int connection) {
    if (connection < 0 || connection >= static_cast<int>(kConnections)) return nullptr;
    Connection& c = connections_[connection];
    return c.used ? &c : nullptr;
}

void BridgeLink::release(Connection& c, bool tell_host) {
    if (tell_host && c.number >= 0) emit(kClose, c.number);
    std::memset(c.inbox, 0, c.len);  // it may have held a password
    c.len = c.credit = 0;
    c.number = -1;
    c.used = c.accepted = c.finished = c.broken = false;
}

// Tops the host's credit up to the free inbox space once at least half of it can be
// granted: one CREDIT per ~256 bytes read, and never a stall (with no credit left and the
// inbox read, the whole inbox is granted).
void BridgeLink::grant(Connection& c) {
    if (c.number < 0 || c.broken || c.finished) return;
    const std::size_t room = kInbox - c.len - c.credit;
    if (room < kInbox / 2) return;
    c.credit += room;
    std::uint8_t payload[2];
    put_le16(payload, static_cast<std::uint16_t>(room));
    emit(kCredit, c.number, payload, sizeof payload);
}

void BridgeLink::emit(std::uint8_t type, int number, const void* payload, std::size_t len) {
    const std::size_t n =
        encode_bridge_frame(type, static_cast<std::uint8_t>(number),
                            static_cast<const std::uint8_t*>(payload), len, frame_, sizeof frame_);
    link_.write(frame_, n);
}

void BridgeLink::violation(const char* what) {
    ++protocol_errors_;
    log_.event("bridge", what);
}

}  // namespace core
