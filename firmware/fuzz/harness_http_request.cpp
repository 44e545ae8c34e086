// The setup AP's HTTP request parser, keep-alive: requests back to back, fed in segments.
#include <cstring>

#include "core/http_request.hpp"
#include "fuzz_support.hpp"
#include "request_driver.hpp"

namespace {

using core::HttpRequest;

HttpRequest g_request;
std::uint8_t g_body[HttpRequest::kMaxBody + 1];

bool check(HttpRequest& r) {
    if (r.state() == HttpRequest::State::failed) {
        FUZZ_CHECK(r.fault() != HttpRequest::Fault::none);
        return false;   // the server answers the fault and closes
    }
    FUZZ_CHECK(r.fault() == HttpRequest::Fault::none);
    FUZZ_CHECK(std::strlen(r.path()) <= HttpRequest::kMaxPath);
    FUZZ_CHECK(r.body_length() <= HttpRequest::kMaxBody);
    FUZZ_CHECK(r.body_length() == 0 || r.body()[r.body_length()] == 0);
    r.take_continue_request();
    return r.keep_alive();
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::fuzz_request(g_request, g_body, data, size, check);
}

}  // namespace

HARKEN_FUZZ_HARNESS("http_request", nullptr, run);
