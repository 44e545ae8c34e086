#pragma once
// The YMODEM receiver's test rig: a port the test scripts, a sink that records every call,
// the actions, builders for the packets senders make, and the device's texts.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/ymodem_receiver.hpp"
#include "fake_board.hpp"

namespace fake {

// The console fake: a port the test scripts (bytes in) and reads back (bytes out).
using YmodemPort = Console;

// Calls are logged as "begin <name> <size>", "write <offset> <len>", "finish <size>", "abort".
class RecordingSink final : public core::FileSink {
public:
    bool accept = true;            // begin()'s answer
    long long fail_write_at = -1;  // a write at this offset fails
    int finish_result = 0;
    std::vector<std::string> calls;
    std::string staged;            // the bytes written, by offset

    bool begin(const char* name, std::uint32_t size) override {
        calls.push_back("begin " + std::string(name) + " " + std::to_string(size));
        if (accept) staged.clear();
        return accept;
    }
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override {
        calls.push_back("write " + std::to_string(offset) + " " + std::to_string(len));
        if (static_cast<long long>(offset) == fail_write_at) return false;
        if (staged.size() < offset + len) staged.resize(offset + len);
        staged.replace(offset, len, reinterpret_cast<const char*>(data), len);
        return true;
    }
    int finish(std::uint32_t size) override {
        calls.push_back("finish " + std::to_string(size));
        return finish_result;
    }
    void abort() override { calls.push_back("abort"); }
};

class RecordingActions final : public core::YmodemActions {
public:
    int restarts = 0;
    int chunks = 0;
    void restart_for_update() override { ++restarts; }
    void chunk_written() override { ++chunks; }
};

namespace ymodem {

const std::string kReady = "Waiting for the binary file to be sent ... (press 'a' to abort)\r\n";
const std::string kFailed = "Failed to receive the file!\r\n";
const std::string kTooLarge = "The file size is higher than the allowed space memory!\r\n";
const std::string kSaveFailed = "Failed to save chunk!\r\n";
const std::string kAborted = "Aborted by user.\r\n";
const std::string kRestarting = "Restarting system to apply firmware update...\r\n";
const std::string kAck = "\x06", kNak = "\x15", kC = "C", kEot = "\x04";
const std::string kCanCan = "\x18\x18";

inline std::string downloaded(const std::string& name, std::uint32_t size) {
    return "\r\nDownloaded file successfully!\r\nName: " + name + "\r\nSize: " +
           std::to_string(size) + " bytes\r\n";
}

// CRC-16/XMODEM, what a strict sender puts after the data (high byte first).
inline std::uint16_t crc16(const std::string& data) {
    std::uint16_t crc = 0;
    for (unsigned char c : data) {
        crc = static_cast<std::uint16_t>(crc ^ (c << 8));
        for (int i = 0; i < 8; ++i)
            crc = static_cast<std::uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

// A block of `size` (128: SOH, 1024: STX) holding `payload`, zero padded. particle-cli's CRC
// is 00 00; `real_crc` computes it; `seq_complement` overrides ~seq.
inline std::string block(std::uint8_t seq, const std::string& payload, std::size_t size = 128,
                         bool real_crc = false, int seq_complement = -1) {
    std::string data = payload;
    data.resize(size, '\0');
    const std::uint16_t crc = real_crc ? crc16(data) : 0;
    std::string p;
    p += static_cast<char>(size == 1024 ? 0x02 : 0x01);
    p += static_cast<char>(seq);
    p += static_cast<char>(seq_complement >= 0 ? seq_complement : 0xFF - seq);
    p += data;
    p += static_cast<char>(crc >> 8);
    p += static_cast<char>(crc & 0xFF);
    return p;
}

// particle-cli's header: "<name>\0<size> ".
inline std::string header(const std::string& name, std::uint32_t size, bool real_crc = false) {
    return block(0, name + std::string(1, '\0') + std::to_string(size) + " ", 128, real_crc);
}

// particle-cli's end of batch: "\0" "0 " (an empty name is all that counts).
inline std::string end_of_batch(bool real_crc = false) {
    return block(0, std::string("\0" "0 ", 3), 128, real_crc);
}

// `n` bytes of a recognisable file.
inline std::string file_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + i / 256) & 0xFF);
    return s;
}

}  // namespace ymodem

// A receiver on the fakes, driven on virtual time.
struct YmodemRig {
    YmodemPort port;
    RecordingSink sink;
    RecordingActions actions;
    core::YmodemReceiver rx{port, sink, actions};
    std::uint32_t now = 10000;

    // The clock moves on, the host's bytes arrive, the main loop polls once; what the device
    // wrote in that pass comes back.
    std::string step(const std::string& host, std::uint32_t advance_ms = 0) {
        now += advance_ms;
        port.send(host);
        rx.poll(now);
        return port.take();
    }
};

}  // namespace fake
