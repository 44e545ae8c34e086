#pragma once
// The setup AP's two servers on one loop: the TCP simple protocol (one command per
// connection) and HTTP (keep-alive), over a fixed pool of connections. Unlike Device OS's
// single blocking thread, a slow or silent client never holds up the others: every
// connection has an idle timeout, and a request body borrows one of a few shared buffers
// only while it is being received.
#include <cstddef>
#include <cstdint>

#include "core/http_request.hpp"
#include "core/softap_commands.hpp"
#include "core/softap_request.hpp"
#include "hal/clock.hpp"
#include "hal/setup_listener.hpp"

namespace core {

class SoftApServer {
public:
    static constexpr std::size_t kConnections = 6;
    static constexpr std::size_t kBodyBuffers = 2;
    static constexpr std::uint32_t kIdleMs = 10000;
    // A lent body buffer must be filled this soon, however the bytes trickle in: otherwise
    // two clients sending a byte now and then would keep configure-ap and set from everyone.
    static constexpr std::uint32_t kBodyMs = 10000;
    // A whole request (header and body) must arrive this soon after its first byte, so a
    // client dribbling a byte every few seconds cannot hold a connection slot for hours.
    static constexpr std::uint32_t kRequestMs = 20000;
    // Reads from one connection per pass: a whole usual request, yet a client that never
    // stops sending cannot keep the loop (other clients, the console, timers) to itself.
    static constexpr std::size_t kReadsPerPass = 4;
    static constexpr std::size_t kBodyBufferSize =
        (SoftApRequest::kMaxBody > HttpRequest::kMaxBody ? SoftApRequest::kMaxBody
                                                         : HttpRequest::kMaxBody) + 1;

    SoftApServer(hal::SetupListener* listener, hal::Clock& clock, SoftApContext& ctx)
        : listener_(listener), clock_(clock), ctx_(ctx) {}

    // False without a listener (no setup AP on this board) or when it cannot listen.
    bool start();
    void stop();
    bool running() const { return running_; }
    // Accepts, reads, answers: one pass, never blocks.
    void poll();

private:
    struct Session {
        int connection = -1;
        hal::SetupService service = hal::SetupService::simple;
        std::uint32_t last_ms = 0;
        bool peer_finished = false;
        bool started = false;         // bytes of the current request have arrived
        std::uint32_t request_ms = 0; // when the first of them did
        bool broken = false;          // a reply could not be queued: only closing is left
        int body = -1;                // index of the borrowed body buffer
        std::uint32_t body_ms = 0;    // when it was lent
        std::uint8_t inbox[512];
        std::size_t inbox_pos = 0, inbox_len = 0;
        SoftApRequest simple;
        HttpRequest http;
    };
    enum class Step : std::uint8_t { more, wait, done };

    void open(int connection, hal::SetupService service);
    void service(Session& s);
    Step feed(Session& s, std::size_t* reads);
    bool lend_body(Session& s);
    void return_body(Session& s);
    void close(Session& s);

    // TCP simple protocol
    void answer_simple(Session& s);
    void fail_simple(Session& s, std::int32_t code, const char* error);
    // HTTP
    bool answer_http(Session& s);   // false: close the connection
    void fail_http(Session& s, const char* status, std::int32_t code, const char* error);
    void send_page(Session& s, const char* status, const char* content_type,
                   const std::uint8_t* body, std::size_t len, const char* location = nullptr);

    bool send(Session& s, const void* data, std::size_t len);
    void error_json(std::int32_t code, const char* error);

    hal::SetupListener* listener_;
    hal::Clock& clock_;
    SoftApContext& ctx_;
    bool running_ = false;
    Session sessions_[kConnections];
    bool body_used_[kBodyBuffers] = {};
    std::uint8_t bodies_[kBodyBuffers][kBodyBufferSize];
    ReplyBuffer reply_;
};

}  // namespace core
