#pragma once
// The listening-mode YMODEM receiver (protocol/ymodem.md), with every quirk of Device OS's
// that particle-cli relies on: the CRC is never checked, duplicates are NAKed, a single EOT is
// ACKed, block 0's ACK is followed by 'C', and the end of the batch is ACKed only once the file
// validated. It never waits: the main loop calls poll() every pass with the current time and
// it handles what the port has. No heap; one packet buffer.
#include <cstddef>
#include <cstdint>

#include "core/console_output.hpp"
#include "core/ymodem_packet.hpp"
#include "hal/console_port.hpp"

namespace core {

// Where the file is staged (the OTA region on a board).
class FileSink {
public:
    virtual ~FileSink() = default;
    // A header announced a file. False refuses it (updates disabled, too large).
    virtual bool begin(const char* name, std::uint32_t size) = 0;
    // A whole block, padding included, at `offset` from the start of the file.
    virtual bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) = 0;
    // The batch ended: validate the `size`-byte file. >= 0 valid, else a negative system
    // error code (-1330 integrity, -1340 dependency, -1350 address, -1360 platform, ...).
    virtual int finish(std::uint32_t size) = 0;
    // Drop whatever was staged. Called on every way a session fails.
    virtual void abort() = 0;
};

class YmodemActions {
public:
    virtual ~YmodemActions() = default;
    // The file validated and the texts went out: reset to install it.
    virtual void restart_for_update() = 0;
    // A block reached the sink (the status LED toggles).
    virtual void chunk_written() {}
};

class YmodemReceiver {
public:
    static constexpr std::uint32_t kByteTimeoutMs = 5000;   // silence longer than this: error
    static constexpr int kMaxErrors = 5;                     // the 6th error in a row gives up
    static constexpr std::uint32_t kSuccessDelayMs = 1000;   // after "Downloaded ..."
    static constexpr std::uint32_t kRestartDelayMs = 100;    // after "Restarting ..."

    YmodemReceiver(hal::ConsolePort& port, FileSink& sink, YmodemActions& actions)
        : port_(port), out_(port), sink_(sink), actions_(actions) {}

    // `announce`: the console's `f` (prints the ready line). Otherwise the console saw an
    // SOH/STX it did not read: the packet is still in the port.
    void start(std::uint32_t now_ms, bool announce);
    // The console read an SOH or STX while looking for a command: a packet has begun.
    void start_with(std::uint32_t now_ms, std::uint8_t first);
    // Until the session ended: after restart_for_update() on success, after the failure
    // text otherwise. The console owns the port again once this is false.
    bool active() const { return phase_ != Phase::idle; }
    // Ends a transfer from the device's side: the sender is told (CA CA, as for a failure).
    void cancel();
    // Ends it silently and drops what was staged (the device reset under it).
    void abandon();
    void poll(std::uint32_t now_ms);

private:
    enum class Phase { idle, receiving, downloaded, restarting };
    // Why a session failed; each has its own text.
    enum class Failure { refused, write_failed, user_abort, not_received };

    void handle(ymodem::Event e);
    void block();
    void header();
    void end_of_batch();
    void error();
    void fail(Failure why, bool cancel_first);
    void send(std::uint8_t b) { port_.write(&b, 1); }

    hal::ConsolePort& port_;
    ConsoleOutput out_;
    FileSink& sink_;
    YmodemActions& actions_;
    ymodem::PacketReader reader_;
    ymodem::Header header_{};
    Phase phase_ = Phase::idle;
    std::uint32_t last_ms_ = 0;     // last byte, or last thing the receiver did
    std::uint32_t packets_ = 0;     // blocks accepted in this file; 0 = expecting a header
    std::uint32_t offset_ = 0;      // where the next data block goes
    std::uint32_t file_size_ = 0;   // the last header's size; 0 if there was none
    int errors_ = 0;
};

}  // namespace core
