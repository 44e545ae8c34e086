#pragma once
// The device end of the QEMU network bridge (protocol/qemu-bridge.md) as a setup AP: the
// host relays each SoftAP client as a numbered connection over one byte stream. Each
// connection has an inbox the host may fill only as far as the credit granted; replies are
// written straight to the link as DATA frames (the host always reads).
#include <cstddef>
#include <cstdint>

#include "core/bridge_frame.hpp"
#include "hal/console_port.hpp"
#include "hal/event_log.hpp"
#include "hal/setup_listener.hpp"

namespace core {

class BridgeLink final : public hal::SetupListener, private BridgeFrameSink {
public:
    // More than the SoftAP server's pool: the extra connections wait as its backlog.
    static constexpr std::size_t kConnections = 8;
    static constexpr std::size_t kInbox = 512;
    static constexpr char kHello[] = "harken-bridge 1";

    // `link` is any byte stream (USART2 on QEMU); only available/read/write are used.
    BridgeLink(hal::ConsolePort& link, hal::EventLog& log) : link_(link), log_(log) {}

    // Announces the device (HELLO): at boot, before anything else on the link.
    void begin();
    // Reads and acts on everything the host sent; call every loop pass.
    void poll();

    bool start() override;
    void stop() override;
    int accept(hal::SetupService* service) override;
    long receive(int connection, std::uint8_t* buf, std::size_t max) override;
    bool send(int connection, const std::uint8_t* data, std::size_t len) override;
    void close(int connection) override;

    const BridgeFrameDecoder::Counters& frame_counters() const { return decoder_.counters(); }
    // Frames that broke the rules (unknown connection, credit overrun, ...): ignored.
    std::uint32_t protocol_errors() const { return protocol_errors_; }
    bool up() const { return up_; }

private:
    struct Connection {
        int number = -1;           // the host's number; -1 when detached from the host
        bool used = false;
        bool accepted = false;     // handed to the server
        bool finished = false;     // the host sent FIN
        bool broken = false;       // the host sent RESET (or the host restarted)
        hal::SetupService service = hal::SetupService::simple;
        std::size_t credit = 0;    // bytes the host may still send
        std::size_t len = 0;       // bytes waiting in inbox
        std::uint8_t inbox[kInbox];
    };

    void on_frame(const BridgeFrame& frame) override;
    void on_open(const BridgeFrame& frame);
    void on_data(Connection& c, const BridgeFrame& frame);
    void on_reset(Connection& c);
    void on_host_hello();
    void detach_all();
    Connection* find(std::uint8_t number);
    Connection* slot(int connection);
    void release(Connection& c, bool tell_host);
    void grant(Connection& c);
    void emit(std::uint8_t type, int number, const void* payload = nullptr, std::size_t len = 0);
    void violation(const char* what);

    hal::ConsolePort& link_;
    hal::EventLog& log_;
    BridgeFrameDecoder decoder_;
    bool up_ = false;
    std::uint32_t protocol_errors_ = 0;
    Connection connections_[kConnections];
    std::uint8_t frame_[bridge::kMaxFrame];
};

}  // namespace core
