#include "core/ymodem_receiver.hpp"

namespace core {

using namespace ymodem;

void YmodemReceiver::start(std::uint32_t now_ms, bool announce) {
    if (announce) out_.text("Waiting for the binary file to be sent ... (press 'a' to abort)\r\n");
    reader_.reset();
    header_ = Header{};
    phase_ = Phase::receiving;
    last_ms_ = now_ms;
    packets_ = 0;
    offset_ = 0;
    file_size_ = 0;
    errors_ = 0;
}

void YmodemReceiver::start_with(std::uint32_t now_ms, std::uint8_t first) {
    start(now_ms, false);
    handle(reader_.feed(first));
}

void YmodemReceiver::cancel() {
    if (phase_ == Phase::receiving) fail(Failure::not_received, true);
}

void YmodemReceiver::abandon() {
    if (phase_ == Phase::idle) return;
    if (phase_ == Phase::receiving) sink_.abort();
    phase_ = Phase::idle;
}

void YmodemReceiver::poll(std::uint32_t now_ms) {
    if (phase_ == Phase::receiving) {
        // Everything that arrived counts as on time; only a quiet port can time out, once
        // per poll (a main loop that stalled is not the sender's fault many times over).
        int c;
        while (phase_ == Phase::receiving && (c = port_.read()) >= 0) {
            last_ms_ = now_ms;
            handle(reader_.feed(static_cast<std::uint8_t>(c)));
        }
        if (phase_ == Phase::receiving && now_ms - last_ms_ > kByteTimeoutMs) {
            last_ms_ = now_ms;
            reader_.reset();  // a half-read packet is lost
            error();
        }
    }
    // The success path: the port is left alone while the texts drain and the reset nears.
    if (phase_ == Phase::downloaded && now_ms - last_ms_ >= kSuccessDelayMs) {
        out_.text("Restarting system to apply firmware update...\r\n");
        last_ms_ += kSuccessDelayMs;
        phase_ = Phase::restarting;
    }
    if (phase_ == Phase::restarting && now_ms - last_ms_ >= kRestartDelayMs) {
        phase_ = Phase::idle;
        actions_.restart_for_update();
    }
}

void YmodemReceiver::handle(Event e) {
    switch (e) {
        case Event::pending: return;
        case Event::block:
            errors_ = 0;
            block();
            return;
        case Event::end_of_file:
            errors_ = 0;
            send(kAck);     // at once, and no 'C': the next thing expected is a header
            packets_ = 0;
            return;
        case Event::sender_abort:
            send(kAck);
            fail(Failure::not_received, false);
            return;
        case Event::user_abort: fail(Failure::user_abort, true); return;
        case Event::ignore: send(kAck); return;  // errors are not reset by a space
        case Event::error: error(); return;
    }
}

void YmodemReceiver::error() {
    ++errors_;
    send(kCrcRequest);
    if (errors_ > kMaxErrors) fail(Failure::not_received, true);
}

void YmodemReceiver::block() {
    // Anything but the block expected next, a retransmitted one included, is refused.
    if (reader_.seq() != static_cast<std::uint8_t>(packets_)) {
        send(kNak);
        return;
    }
    if (packets_ == 0) {
        if (is_end_of_batch(reader_.data())) {
            end_of_batch();
            return;
        }
        header();
        if (phase_ != Phase::receiving) return;
    } else {
        // The whole block, padding included, goes to the sink.
        if (!sink_.write(offset_, reader_.data(), reader_.data_size())) {
            fail(Failure::write_failed, true);
            return;
        }
        offset_ += static_cast<std::uint32_t>(reader_.data_size());
        actions_.chunk_written();
        send(kAck);
    }
    ++packets_;
}

void YmodemReceiver::header() {
    parse_header(reader_.data(), reader_.data_size(), header_);
    file_size_ = header_.size;
    if (!sink_.begin(header_.name, header_.size)) {
        fail(Failure::refused, true);
        return;
    }
    offset_ = 0;
    send(kAck);
    send(kCrcRequest);
}

// The empty header is answered only now: ACK once the file validated, CA CA otherwise.
void YmodemReceiver::end_of_batch() {
    if (file_size_ == 0) {  // no file, or one announced with size 0
        fail(Failure::not_received, false);
        return;
    }
    const int code = sink_.finish(file_size_);
    if (code < 0) {
        send(kCan);
        send(kCan);
        out_.text("Validation failed: ");
        out_.signed_decimal(code);
        out_.text("\r\n");
        sink_.abort();
        phase_ = Phase::idle;
        return;
    }
    send(kAck);
    out_.text("\r\nDownloaded file successfully!\r\nName: ");
    out_.text(header_.name);
    out_.text("\r\nSize: ");
    out_.decimal(file_size_);
    out_.text(" bytes\r\n");
    phase_ = Phase::downloaded;  // last_ms_ is now: the delays count from here
}

// Paths that cancelled inside the transfer cancel once more before the text, as Device OS's
// wrapper does: CA CA CA CA, or ACK CA CA after the sender's own cancel.
void YmodemReceiver::fail(Failure why, bool cancel_first) {
    if (cancel_first) {
        send(kCan);
        send(kCan);
    }
    send(kCan);
    send(kCan);
    switch (why) {
        case Failure::refused:
            out_.text("The file size is higher than the allowed space memory!\r\n");
            break;
        case Failure::write_failed: out_.text("Failed to save chunk!\r\n"); break;
        case Failure::user_abort: out_.text("Aborted by user.\r\n"); break;
        case Failure::not_received: out_.text("Failed to receive the file!\r\n"); break;
    }
    sink_.abort();
    phase_ = Phase::idle;
}

}  // namespace core
