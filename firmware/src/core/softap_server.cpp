#include "core/softap_server.hpp"

#include <cstring>

#include "core/http_response.hpp"
#include "core/json_writer.hpp"

namespace core {
namespace {

// harken's answers where Device OS closes silently or hangs (protocol/softap.md).
constexpr std::int32_t kBadRequest = -400, kUnknownCommand = -404, kTimeout = -408,
                       kTooLarge = -413;

constexpr char kPreamble[] = "\n\n";
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr char kRootRedirect[] = "HTTP/1.1 301\r\nLocation: /index\r\nContent-Length: 0\r\n\r\n";
// WICED's static /hello page, whose body carries its C string terminator.
constexpr char kHelloHead[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n"
    "Access-Control-Allow-Origin: *\r\n";
constexpr char kHelloBody[] = "Soft AP Setup";  // sent with its NUL

const char* simple_fault(SoftApRequest::Fault f, std::int32_t* code) {
    *code = f == SoftApRequest::Fault::body_too_large ? kTooLarge : kBadRequest;
    switch (f) {
        case SoftApRequest::Fault::bad_name: return "bad command name";
        case SoftApRequest::Fault::bad_length: return "bad length";
        default: return "body too large";
    }
}

struct HttpFault {
    const char* status;
    const char* error;
};

HttpFault http_fault(HttpRequest::Fault f, std::int32_t* code) {
    *code = f == HttpRequest::Fault::body_too_large ? kTooLarge : kBadRequest;
    switch (f) {
        case HttpRequest::Fault::header_too_large:
            return {"431 Request Header Fields Too Large", "header too large"};
        case HttpRequest::Fault::body_too_large: return {"413 Content Too Large", "body too large"};
        case HttpRequest::Fault::length_required:
            return {"411 Length Required", "sized bodies only"};
        case HttpRequest::Fault::bad_version:
            return {"505 HTTP Version Not Supported", "HTTP/1.0 or 1.1 only"};
        default: return {"400 Bad Request", "bad request"};
    }
}

}  // namespace

bool SoftApServer::start() {
    if (running_) return true;
    running_ = listener_ && listener_->start();
    return running_;
}

void SoftApServer::stop() {
    if (!running_) return;
    for (Session& s : sessions_)
        if (s.connection >= 0) close(s);
    listener_->stop();
    running_ = false;
}

void SoftApServer::poll() {
    if (!running_) return;
    for (Session& s : sessions_) {
        if (s.connection >= 0) continue;
        hal::SetupService service;
        const int connection = listener_->accept(&service);
        if (connection < 0) break;
        open(connection, service);
    }
    // Connections beyond the pool wait in the listener's backlog until a slot frees.
    for (Session& s : sessions_)
        if (s.connection >= 0) service(s);
}

void SoftApServer::open(int connection, hal::SetupService service) {
    for (Session& s : sessions_) {
        if (s.connection >= 0) continue;
        s.connection = connection;
        s.service = service;
        s.last_ms = clock_.millis();
        s.peer_finished = s.started = s.broken = false;
        s.inbox_pos = s.inbox_len = 0;
        s.simple.reset();
        s.http.reset();
        return;
    }
}

void SoftApServer::service(Session& s) {
    std::size_t reads = 0;
    for (;;) {
        const Step step = feed(s, &reads);
        if (step == Step::done) return;
        if (step == Step::wait) break;
    }
    const std::uint32_t now = clock_.millis();
    const bool late = s.started && now - s.request_ms >= kRequestMs;
    if (!late && now - s.last_ms < kIdleMs && (s.body < 0 || now - s.body_ms < kBodyMs)) return;
    // A request that stopped half way gets an answer; an idle keep-alive just closes.
    if (s.started) {
        if (s.service == hal::SetupService::simple) fail_simple(s, kTimeout, "timeout");
        else fail_http(s, "408 Request Timeout", kTimeout, "timeout");
    }
    close(s);
}

SoftApServer::Step SoftApServer::feed(Session& s, std::size_t* reads) {
    const bool http = s.service == hal::SetupService::http;
    if (http && s.http.take_continue_request()) send(s, kContinue, sizeof kContinue - 1);
    if (s.broken) {
        close(s);
        return Step::done;
    }
    if (s.inbox_pos < s.inbox_len) {
        const bool wants = http ? s.http.wants_body_buffer() : s.simple.wants_body_buffer();
        if (wants && !lend_body(s)) {
            s.last_ms = clock_.millis();  // waiting on the server is not the client's idling
            return Step::wait;            // the bytes wait in the socket
        }
        const std::uint8_t* p = s.inbox + s.inbox_pos;
        const std::size_t n = s.inbox_len - s.inbox_pos;
        const std::size_t used = http ? s.http.feed(p, n) : s.simple.feed(p, n);
        s.inbox_pos += used;
        if (used && !s.started) {
            s.started = true;
            s.request_ms = clock_.millis();
        }
        if (!http) {
            if (s.simple.state() == SoftApRequest::State::failed) {
                std::int32_t code;
                const char* error = simple_fault(s.simple.fault(), &code);
                fail_simple(s, code, error);
            } else if (s.simple.complete()) {
                answer_simple(s);
            } else {
                return Step::more;
            }
            close(s);  // one command per connection
            return Step::done;
        }
        if (s.http.state() == HttpRequest::State::failed) {
            std::int32_t code;
            const HttpFault fault = http_fault(s.http.fault(), &code);
            fail_http(s, fault.status, code, fault.error);
            close(s);
            return Step::done;
        }
        if (!s.http.complete()) return Step::more;
        const bool keep = answer_http(s);
        return_body(s);
        s.http.reset();
        s.started = false;
        if (keep) return Step::more;
        close(s);
        return Step::done;
    }
    if (s.peer_finished) {
        if (s.started) {
            if (http) fail_http(s, "400 Bad Request", kBadRequest, "incomplete request");
            else fail_simple(s, kBadRequest, "incomplete request");
        }
        close(s);
        return Step::done;
    }
    if (*reads == kReadsPerPass) return Step::wait;
    const long n = listener_->receive(s.connection, s.inbox, sizeof s.inbox);
    if (n > 0) {
        ++*reads;
        s.inbox_pos = 0;
        s.inbox_len = static_cast<std::size_t>(n);
        s.last_ms = clock_.millis();
        return Step::more;
    }
    if (n == 0) return Step::wait;
    if (n == hal::SetupListener::kPeerFinished) {
        s.peer_finished = true;  // half-closed: the reply can still go out
        return Step::more;
    }
    close(s);
    return Step::done;
}

bool SoftApServer::lend_body(Session& s) {
    for (std::size_t i = 0; i < kBodyBuffers; ++i) {
        if (body_used_[i]) continue;
        body_used_[i] = true;
        s.body = static_cast<int>(i);
        s.body_ms = clock_.millis();
        if (s.service == hal::SetupService::http) s.http.attach_body(bodies_[i]);
        else s.simple.attach_body(bodies_[i]);
        return true;
    }
    return false;
}

void SoftApServer::return_body(Session& s) {
    if (s.body < 0) return;
    std::memset(bodies_[s.body], 0, kBodyBufferSize);  // it may have held a password
    body_used_[s.body] = false;
    s.body = -1;
}

void SoftApServer::close(Session& s) {
    return_body(s);
    listener_->close(s.connection);
    s.connection = -1;
    s.simple.reset();
    s.http.reset();
}

bool SoftApServer::send(Session& s, const void* data, std::size_t len) {
    // After one refused part nothing more may follow: the client would take what came
    // next for the missing bytes.
    if (!s.broken && !listener_->send(s.connection, static_cast<const std::uint8_t*>(data), len))
        s.broken = true;
    return !s.broken;
}

void SoftApServer::error_json(std::int32_t code, const char* error) {
    reply_.clear();
    JsonWriter json(reply_);
    json.begin_object();
    json.key("r");
    json.integer(code);
    json.key("error");
    json.string(error);
    json.end_object();
}

// ---- TCP simple protocol ---------------------------------------------------------------

void SoftApServer::answer_simple(Session& s) {
    const SoftApCommand command = softap_command_named(s.simple.name());
    if (command == SoftApCommand::unknown) return fail_simple(s, kUnknownCommand, "unknown command");
    reply_.clear();
    const SoftApReply kind =
        run_softap_command(command, s.simple.body(), s.simple.body_length(), ctx_, reply_);
    if (kind == SoftApReply::nothing) return;
    if (kind == SoftApReply::bad_json) error_json(kBadRequest, "bad json");
    send(s, kPreamble, 2) && send(s, reply_.data(), reply_.size());
}

void SoftApServer::fail_simple(Session& s, std::int32_t code, const char* error) {
    error_json(code, error);
    send(s, kPreamble, 2) && send(s, reply_.data(), reply_.size());
}

// ---- HTTP ------------------------------------------------------------------------------

bool SoftApServer::answer_http(Session& s) {
    using Method = HttpRequest::Method;
    const Method method = s.http.method();
    const bool keep = s.http.keep_alive();
    if (method == Method::options) {
        HttpHead head;
        write_preflight(head, keep);
        send(s, head.data(), head.size());
        return keep;
    }
    if (method != Method::get && method != Method::post && method != Method::put) {
        fail_http(s, "405 Method Not Allowed", kBadRequest, "method not allowed");
        return false;
    }
    const char* path = s.http.path();
    if (!std::strcmp(path, "/")) return send(s, kRootRedirect, sizeof kRootRedirect - 1) && keep;
    if (!std::strcmp(path, "/hello")) {
        send(s, kHelloHead, sizeof kHelloHead - 1);
        const char* connection = keep ? "Connection: Keep-Alive\r\n\r\n" : "Connection: close\r\n\r\n";
        send(s, connection, std::strlen(connection));
        return send(s, kHelloBody, sizeof kHelloBody) && keep;
    }
    if (!std::strcmp(path, "/index")) {
        send_page(s, "301 Moved Permanently", "text/plain", nullptr, 0, "/hello");
        return keep;
    }
    const SoftApCommand command = softap_command_for_path(path);
    if (command == SoftApCommand::unknown) {
        send_page(s, "404 Not Found", "*/*", nullptr, 0);
        return keep;
    }
    reply_.clear();
    const SoftApReply kind =
        run_softap_command(command, s.http.body(), s.http.body_length(), ctx_, reply_);
    if (kind == SoftApReply::bad_json) {
        error_json(kBadRequest, "bad json");
        send_page(s, "400 Bad Request", "application/json", reply_.data(), reply_.size());
    } else {
        send_page(s, "200 OK", "application/json", reply_.data(), reply_.size());
    }
    return keep;
}

void SoftApServer::send_page(Session& s, const char* status, const char* content_type,
                             const std::uint8_t* body, std::size_t len, const char* location) {
    HttpHead head;
    write_page_head(head, status, content_type, s.http.keep_alive(), location);
    if (len) write_chunk_size(head, len);
    send(s, head.data(), head.size());
    if (len) {
        send(s, body, len);
        send(s, kChunkEnd, sizeof kChunkEnd - 1);
    }
    send(s, kLastChunk, sizeof kLastChunk - 1);
}

void SoftApServer::fail_http(Session& s, const char* status, std::int32_t code,
                             const char* error) {
    error_json(code, error);
    HttpHead head;
    write_error_head(head, status, reply_.size());
    send(s, head.data(), head.size()) && send(s, reply_.data(), reply_.size());
}

}  // namespace core
