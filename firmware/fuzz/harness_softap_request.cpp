// The TCP simple protocol's request parser (name LF length LF LF body), fed in segments.
#include <cstring>

#include "core/softap_request.hpp"
#include "fuzz_support.hpp"
#include "request_driver.hpp"

namespace {

using core::SoftApRequest;

SoftApRequest g_request;
std::uint8_t g_body[SoftApRequest::kMaxBody + 1];

bool check(const SoftApRequest& r) {
    if (r.state() == SoftApRequest::State::failed) {
        FUZZ_CHECK(r.fault() != SoftApRequest::Fault::none);
    } else {
        FUZZ_CHECK(r.fault() == SoftApRequest::Fault::none);
        const std::size_t name = std::strlen(r.name());
        FUZZ_CHECK(name > 0 && name <= SoftApRequest::kMaxName);
        FUZZ_CHECK(r.body_length() <= SoftApRequest::kMaxBody);
        FUZZ_CHECK(r.body()[r.body_length()] == 0);   // commands read the body as a C string
    }
    return false;   // one request per connection
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::fuzz_request(g_request, g_body, data, size, check);
}

}  // namespace

HARKEN_FUZZ_HARNESS("softap_request", nullptr, run);
