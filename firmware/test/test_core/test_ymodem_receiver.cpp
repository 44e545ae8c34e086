// The YMODEM receiver (protocol/ymodem.md) on virtual time: every row of its behaviour as a
// scripted exchange, whole transfers as particle-cli and a strict sender make them, and how
// block 0's name and size are read. The golden vectors are in test_ymodem_vectors.cpp.
#include <gtest/gtest.h>

#include "core/ymodem_packet.hpp"
#include "fake_ymodem.hpp"

using namespace fake::ymodem;

namespace {

struct Step {
    std::string host;         // arrives after the clock moved on by `advance_ms`
    std::uint32_t advance_ms;
    std::string device;       // everything the device writes in that poll
};

struct Row {
    const char* name;
    bool announce;                       // the console's `f`, or a peeked SOH/STX
    std::vector<Step> steps;
    std::vector<std::string> sink_calls;
    bool active_after = false;
    int restarts = 0;
    std::string leftover;                // bytes left in the port for the console
    bool accept = true;
    long long fail_write_at = -1;
    int finish_result = 0;
};

const std::string kCancel4 = kCanCan + kCanCan;
const std::string kH = header("binary", 300);
const std::string kFile = file_bytes(300);
const std::string kB1 = block(1, kFile.substr(0, 128));
const std::string kB2 = block(2, kFile.substr(128, 128));
const std::string kB3 = block(3, kFile.substr(256));
const std::string kEob = end_of_batch();

// Ready line with the first host bytes, header ACKed and followed by 'C'.
std::vector<Step> after_header() { return {{kH, 0, kReady + kAck + kC}}; }

std::vector<Step> with(std::vector<Step> a, const std::vector<Step>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<Step> whole_file() {
    return with(after_header(), {{kB1, 0, kAck}, {kB2, 0, kAck}, {kB3, 0, kAck}, {kEot, 0, kAck}});
}

const std::vector<std::string> kWritten = {"begin binary 300", "write 0 128", "write 128 128",
                                           "write 256 128"};

std::vector<std::string> calls(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<Row> rows() {
    std::vector<Row> r;
    auto add = [&](Row row) { r.push_back(std::move(row)); };
    std::string bad_crc = kB1;
    bad_crc[131] = '\xDE';
    bad_crc[132] = '\xAD';

    // 3.3 "after the session": validated → ACK, texts, 1000 ms, text, 100 ms, restart.
    add({"Success", true,
         with(whole_file(), {{kEob, 0, kAck + downloaded("binary", 300)}, {"", 999, ""},
                             {"", 1, kRestarting}, {"", 99, ""}, {"", 1, ""}}),
         calls(kWritten, {"finish 300"}), false, 1});
    add({"ValidationFailureCancelsWithTheCode", true,
         with(whole_file(), {{kEob, 0, kCanCan + "Validation failed: -1340\r\n"}}),
         calls(kWritten, {"finish 300", "abort"}), false, 0, "", true, -1, -1340});
    // A bare SOH/STX the console only peeked at: no ready line, the packet is still unread.
    add({"PeekedHeaderStartsWithoutTheReadyLine", false,
         {{kH, 0, kAck + kC}, {kB1, 0, kAck}}, {"begin binary 300", "write 0 128"}, true});
    // 3.8.7: no initial 'C'; silence longer than 5000 ms is an error answered with 'C'.
    add({"NoCBeforeFiveSecondsOfSilence", false, {{"", 5000, ""}, {"", 1, kC}}, {}, true});
    add({"NeverAnyDataGivesUpOnTheSixthTimeout", true,
         {{"", 0, kReady}, {"", 5001, kC}, {"", 5001, kC}, {"", 5001, kC}, {"", 5001, kC},
          {"", 5001, kC}, {"", 5001, kC + kCancel4 + kFailed}},
         {"abort"}});
    add({"TimeoutBetweenBlocks", true,
         with(after_header(), {{"", 5000, ""}, {"", 1, kC}, {kB1, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"TruncatedPacketTimesOutAndIsResent", true,
         with(after_header(),
              {{kB1.substr(0, 60), 0, ""}, {"", 5000, ""}, {"", 1, kC}, {kB1, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"SixConsecutiveErrorsGiveUp", true,
         with(after_header(), {{"xxxxx", 0, "CCCCC"}, {"x", 0, kC + kCancel4 + kFailed}}),
         {"begin binary 300", "abort"}});
    add({"GivingUpLeavesTheRestForTheConsole", true,
         {{kH + "xxxxxxyz", 0, kReady + kAck + kC + "CCCCCC" + kCancel4 + kFailed}},
         {"begin binary 300", "abort"}, false, 0, "yz"});
    add({"AGoodPacketResetsTheErrorCount", true,
         with(after_header(), {{"xxxxx", 0, "CCCCC"}, {kB1, 0, kAck}, {"xxxxx", 0, "CCCCC"}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"SpaceIsAckedButDoesNotResetErrors", true,
         with(after_header(), {{" ", 0, kAck}, {"xxxxx", 0, "CCCCC"}, {" ", 0, kAck},
                               {"x", 0, kC + kCancel4 + kFailed}}),
         {"begin binary 300", "abort"}});
    add({"UserAbortLowerCase", true, with(after_header(), {{"a", 0, kCancel4 + kAborted}}),
         {"begin binary 300", "abort"}});
    add({"UserAbortUpperCaseBeforeAnyHeader", true, {{"A", 0, kReady + kCancel4 + kAborted}},
         {"abort"}});
    add({"SenderCancelIsAckedThenCancelled", true,
         with(after_header(), {{kB1, 0, kAck}, {kCanCan, 0, kAck + kCanCan + kFailed}}),
         {"begin binary 300", "write 0 128", "abort"}});
    add({"CancelFollowedByAnythingElseIsAnError", true,
         with(after_header(), {{"\x18x", 0, kC}, {kB1, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"CancelFollowedBySilenceIsAnError", true,
         with(after_header(), {{"\x18", 0, ""}, {"", 5001, kC}}), {"begin binary 300"}, true});
    // 3.8.2: a block already ACKed comes again → NAK, and nothing is written twice.
    add({"DuplicateBlockIsNaked", true,
         with(after_header(), {{kB1, 0, kAck}, {kB1, 0, kNak}, {kB2, 0, kAck}}),
         {"begin binary 300", "write 0 128", "write 128 128"}, true});
    add({"DuplicateHeaderIsNaked", true, with(after_header(), {{kH, 0, kNak}}),
         {"begin binary 300"}, true});
    add({"SkippedBlockIsNaked", true, with(after_header(), {{kB2, 0, kNak}, {kB1, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"DataBeforeAnyHeaderIsNaked", true, {{kB1, 0, kReady + kNak}}, {}, true});
    add({"SeqAndComplementMustAgree", true,
         with(after_header(), {{block(1, "x", 128, false, 0x00), 0, kC}, {kB1, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    // 3.8.1: the CRC is never looked at.
    add({"CrcIsNotChecked", true, with(after_header(), {{bad_crc, 0, kAck}}),
         {"begin binary 300", "write 0 128"}, true});
    add({"HeaderRefused", true, {{kH, 0, kReady + kCancel4 + kTooLarge}},
         {"begin binary 300", "abort"}, false, 0, "", false});
    add({"WriteFailure", true,
         with(after_header(), {{kB1, 0, kAck}, {kB2, 0, kCancel4 + kSaveFailed}}),
         {"begin binary 300", "write 0 128", "write 128 128", "abort"}, false, 0, "", true, 128});
    add({"EndOfBatchWithoutAFile", true, {{kEob, 0, kReady + kCanCan + kFailed}}, {"abort"}});
    add({"ZeroSizeFileFails", true,
         {{header("empty", 0), 0, kReady + kAck + kC}, {kEot, 0, kAck},
          {kEob, 0, kCanCan + kFailed}},
         {"begin empty 0", "abort"}});
    // 3.8.3: one EOT is ACKed at once, no 'C'; a next header starts a new file at offset 0,
    // and the last file is the one reported.
    add({"EotThenAnotherFile", true,
         with(after_header(), {{kB1, 0, kAck}, {kEot, 0, kAck},
                               {header("two.bin", 10), 0, kAck + kC}, {kB1, 0, kAck},
                               {kEot, 0, kAck}, {kEob, 0, kAck + downloaded("two.bin", 10)}}),
         {"begin binary 300", "write 0 128", "begin two.bin 10", "write 0 128", "finish 10"},
         true});
    return r;
}

// One test over every row (the repo's table style: the M3 run counts TEST lines).
TEST(YmodemReceiver, EveryRowExchangesBytesExactly) {
    for (const Row& row : rows()) {
        SCOPED_TRACE(row.name);
        fake::YmodemRig rig;
        rig.sink.accept = row.accept;
        rig.sink.fail_write_at = row.fail_write_at;
        rig.sink.finish_result = row.finish_result;
        rig.rx.start(rig.now, row.announce);
        EXPECT_TRUE(rig.rx.active());
        for (std::size_t i = 0; i < row.steps.size(); ++i)
            EXPECT_EQ(rig.step(row.steps[i].host, row.steps[i].advance_ms), row.steps[i].device)
                << "step " << i;
        EXPECT_EQ(rig.sink.calls, row.sink_calls);
        EXPECT_EQ(rig.rx.active(), row.active_after);
        EXPECT_EQ(rig.actions.restarts, row.restarts);
        EXPECT_EQ(std::string(rig.port.rx.begin(), rig.port.rx.end()), row.leftover);
    }
}

TEST(YmodemReceiver, TheDelaysLeaveThePortAloneAndCatchUp) {
    fake::YmodemRig rig;
    rig.rx.start(rig.now, false);
    for (const auto& p : {kH, kB1, kB2, kB3, kEot}) rig.step(p);
    EXPECT_EQ(rig.step(kEob), kAck + downloaded("binary", 300));
    EXPECT_EQ(rig.step("a", 500), "");  // the port is not read during the delays
    EXPECT_EQ(rig.step("", 1100), kRestarting);  // a late poll does both delays' work
    EXPECT_EQ(rig.actions.restarts, 1);
    EXPECT_FALSE(rig.rx.active());
    EXPECT_EQ(rig.port.rx.size(), 1u);
}

TEST(YmodemReceiver, StartAgainBeginsAFreshSession) {
    fake::YmodemRig rig;
    rig.rx.start(rig.now, true);
    rig.step(kH + kB1);
    rig.rx.start(rig.now, false);
    EXPECT_EQ(rig.step(kB2), kNak);  // expects a header again
    EXPECT_EQ(rig.step(kH), kAck + kC);
    EXPECT_EQ(rig.step("xxxxx"), "CCCCC");
    EXPECT_TRUE(rig.rx.active());
}

TEST(YmodemReceiver, LedTogglesOncePerWrittenBlock) {
    fake::YmodemRig rig;
    rig.rx.start(rig.now, false);
    rig.step(kH + kB1 + kB1 + kB2);  // the duplicate is not written
    EXPECT_EQ(rig.actions.chunks, 2);
}

TEST(YmodemReceiver, IdleReceiverIgnoresThePort) {
    fake::YmodemRig rig;
    EXPECT_FALSE(rig.rx.active());
    EXPECT_EQ(rig.step(kH, 60000), "");
    EXPECT_EQ(rig.port.rx.size(), kH.size());
}

// "<a>\0<b>"
std::string z(const char* a, const char* b) { return std::string(a) + '\0' + b; }

// protocol/ymodem.md's particle-cli transcript: `f`, header "binary\0<size> ", 128-byte blocks
// with CRC 00 00, one EOT, the end-of-batch header; the device's bytes exactly.
TEST(YmodemTransfer, ParticleCliTranscript) {
    fake::YmodemRig rig;
    const std::string file = file_bytes(5324);
    std::string device;
    rig.rx.start(rig.now, true);  // the console read the `f`
    device += rig.step(header("binary", 5324));
    std::size_t blocks = 0;
    for (std::size_t at = 0; at < file.size(); at += 128) {
        ++blocks;
        device += rig.step(block(static_cast<std::uint8_t>(blocks), file.substr(at, 128)), 1);
    }
    EXPECT_EQ(blocks, 42u);
    device += rig.step(kEot, 1);
    device += rig.step(end_of_batch(), 1);
    device += rig.step("", 1000);
    EXPECT_TRUE(rig.rx.active());
    EXPECT_EQ(rig.actions.restarts, 0);
    device += rig.step("", 100);

    EXPECT_EQ(device, kReady + kAck + kC + std::string(42, '\x06') + kAck /* EOT */ +
                          kAck /* end of batch */ + downloaded("binary", 5324) + kRestarting);
    EXPECT_EQ(rig.actions.restarts, 1);
    EXPECT_FALSE(rig.rx.active());
    EXPECT_EQ(rig.actions.chunks, 42);
    // The padded last block is written whole.
    EXPECT_EQ(rig.sink.staged, file + std::string(42 * 128 - 5324, '\0'));
    EXPECT_EQ(rig.sink.calls.front(), "begin binary 5324");
    EXPECT_EQ(rig.sink.calls.back(), "finish 5324");
}

// A strict sender (sz --ymodem style): waits for the receiver's 'C', real CRCs, a header with
// mtime and mode, 1024-byte STX blocks, SUB padding, and after the EOT it waits for a 'C'
// that only comes after 5 s of silence.
TEST(YmodemTransfer, StrictSenderWithStxBlocks) {
    fake::YmodemRig rig;
    const std::string file = file_bytes(2100);
    rig.rx.start(rig.now, true);
    EXPECT_EQ(rig.port.take(), kReady);
    EXPECT_EQ(rig.step("", 5001), kC);
    const std::string hdr = z("app.bin", "2100 14253107670 100644 0 1 2100");
    EXPECT_EQ(rig.step(block(0, hdr, 128, true)), kAck + kC);
    EXPECT_EQ(rig.step(block(1, file.substr(0, 1024), 1024, true)), kAck);
    EXPECT_EQ(rig.step(block(2, file.substr(1024, 1024), 1024, true)), kAck);
    const std::string tail = file.substr(2048) + std::string(128 - 52, '\x1A');
    EXPECT_EQ(rig.step(block(3, tail, 128, true)), kAck);
    EXPECT_EQ(rig.step(kEot), kAck);
    EXPECT_EQ(rig.step("", 5001), kC);
    EXPECT_EQ(rig.step(block(0, "", 128, true)), kAck + downloaded("app.bin", 2100));
    EXPECT_EQ(rig.sink.calls,
              (std::vector<std::string>{"begin app.bin 2100", "write 0 1024", "write 1024 1024",
                                        "write 2048 128", "finish 2100"}));
    EXPECT_EQ(rig.sink.staged, file.substr(0, 2048) + tail);
}

TEST(YmodemTransfer, StxHeaderAndMixedBlockSizes) {
    fake::YmodemRig rig;
    rig.rx.start(rig.now, false);
    EXPECT_EQ(rig.step(block(0, std::string("big\0" "1152 ", 9), 1024)), kAck + kC);
    EXPECT_EQ(rig.step(block(1, "a", 128) + block(2, "b", 1024)), kAck + kAck);
    EXPECT_EQ(rig.sink.calls,
              (std::vector<std::string>{"begin big 1152", "write 0 128", "write 128 1024"}));
}

// Sequence numbers are the block count modulo 256: block 256 travels as seq 0 and is data.
TEST(YmodemTransfer, SequenceWrapsPast255) {
    fake::YmodemRig rig;
    const std::string file = file_bytes(300 * 128);
    rig.rx.start(rig.now, false);
    EXPECT_EQ(rig.step(header("wrap.bin", 300 * 128)), kAck + kC);
    std::string acks;
    for (std::size_t n = 1; n <= 300; ++n)
        acks += rig.step(block(static_cast<std::uint8_t>(n), file.substr((n - 1) * 128, 128)));
    EXPECT_EQ(acks, std::string(300, '\x06'));
    // A resent block 300 (seq 44) is a duplicate: NAK.
    EXPECT_EQ(rig.step(block(44, file.substr(299 * 128, 128))), kNak);
    EXPECT_EQ(rig.step(kEot + end_of_batch()), kAck + kAck + downloaded("wrap.bin", 38400));
    EXPECT_EQ(rig.sink.staged, file);
}

// Block 0's fields as Device OS reads them.
struct HeaderRow {
    const char* what;
    std::string payload;
    std::string name;
    std::uint32_t size;
};

TEST(YmodemHeader, NameAndSizeFields) {
    const std::string n256(256, 'n');
    const HeaderRow rows[] = {
        {"particle-cli", z("binary", "5324 "), "binary", 5324},
        {"fields after the size are ignored", z("a.bin", "5324 14253107670 100644"), "a.bin",
         5324},
        {"no space: the padding ends it", z("a", "5324"), "a", 5324},
        {"the size field is 16 bytes", z("a", "00000000000000001234 "), "a", 0},
        {"16 digits overflow to the maximum", z("a", "12345678901234567 "), "a", 0xFFFFFFFF},
        {"largest 32-bit value", z("a", "4294967295 "), "a", 4294967295u},
        {"leading space: empty field", z("a", " 42 "), "a", 0},
        {"other leading white space is skipped", z("a", "\t42 "), "a", 42},
        {"plus sign", z("a", "+42 "), "a", 42},
        {"minus sign wraps", z("a", "-1 "), "a", 0xFFFFFFFF},
        {"digits up to the first non-digit", z("a", "4x2 "), "a", 4},
        {"no digits", z("a", "size "), "a", 0},
        {"256-byte name then its NUL", n256 + '\0' + "99 ", n256, 99},
        // The name stops at 256 bytes; the size starts one byte later, inside the name.
        {"longer name is cut and the size read past the cut", n256 + "X77" + '\0' + "5 ", n256,
         77},
    };
    for (const auto& row : rows) {
        std::string block_data = row.payload;
        block_data.resize(1024, '\0');
        core::ymodem::Header h;
        core::ymodem::parse_header(reinterpret_cast<const std::uint8_t*>(block_data.data()),
                                   block_data.size(), h);
        EXPECT_EQ(std::string(h.name), row.name) << row.what;
        EXPECT_EQ(h.size, row.size) << row.what;
    }
}

TEST(YmodemHeader, NameFillingA128ByteBlockEndsThere) {
    const std::string full(128, 'q');
    core::ymodem::Header h;
    core::ymodem::parse_header(reinterpret_cast<const std::uint8_t*>(full.data()), 128, h);
    EXPECT_EQ(std::string(h.name), full);
    EXPECT_EQ(h.size, 0u);
}

TEST(YmodemHeader, LongNameReachesTheSinkCut) {
    fake::YmodemRig rig;
    rig.rx.start(rig.now, false);
    const std::string name(300, 'n');
    EXPECT_EQ(rig.step(block(0, name + '\0' + "10 ", 1024)), kAck + kC);
    EXPECT_EQ(rig.sink.calls, std::vector<std::string>{"begin " + name.substr(0, 256) + " 0"});
}

TEST(YmodemHeader, EmptyNameEndsTheBatch) {
    const std::uint8_t empty[4] = {0, '0', ' ', 0};
    const std::uint8_t named[4] = {'a', 0, '1', ' '};
    EXPECT_TRUE(core::ymodem::is_end_of_batch(empty));
    EXPECT_FALSE(core::ymodem::is_end_of_batch(named));
}

}  // namespace
