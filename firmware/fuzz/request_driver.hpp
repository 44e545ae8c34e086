#pragma once
// Feeds a request parser (SoftApRequest, HttpRequest) the way the server does: the stream
// cut into segments of a size the input chooses, a body buffer lent when asked for. Checks
// that a parser never takes more than it was given and never stalls without a reason.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

namespace fuzz {

// `on_done` runs at each complete or failed request and returns whether to parse another
// from what is left (keep-alive).
template <class Request, class OnDone>
void drive_request(Request& request, std::uint8_t* body, std::size_t segment,
                   const std::uint8_t* data, std::size_t len, OnDone on_done) {
    request.reset();
    std::size_t at = 0;
    while (true) {
        if (request.wants_body_buffer()) request.attach_body(body);
        if (request.state() == Request::State::complete ||
            request.state() == Request::State::failed) {
            if (!on_done(request) || at == len) return;
            request.reset();
            continue;
        }
        if (at == len) return;
        std::size_t n = len - at < segment ? len - at : segment;
        const std::size_t used = request.feed(data + at, n);
        FUZZ_CHECK(used <= n);
        // Zero bytes taken is only right once the request is done or waits for a body.
        FUZZ_CHECK(used > 0 || request.state() == Request::State::complete ||
                   request.state() == Request::State::failed || request.wants_body_buffer());
        at += used;
    }
}

// The harnesses' entry: the input's first byte picks the segment size (64: all at once),
// the rest is the stream, and the core may not touch the heap while it parses.
template <class Request, class OnDone>
void fuzz_request(Request& request, std::uint8_t* body, const std::uint8_t* data,
                  std::size_t size, OnDone on_done) {
    Input in(data, size);
    const std::size_t segment = in.byte() % 64 + 1;
    std::size_t len;
    const std::uint8_t* stream = in.rest(&len);
    NoHeap no_heap;
    drive_request(request, body, segment == 64 ? len + 1 : segment, stream, len, on_done);
}

}  // namespace fuzz
