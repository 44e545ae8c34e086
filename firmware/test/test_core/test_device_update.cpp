// Firmware over the listening-mode console, through the whole device: `f` or a bare
// SOH/STX hands the port to the YMODEM receiver, the file is staged and checked, and only a
// valid image is queued and restarted into; everything else leaves the device as it was.
#include <gtest/gtest.h>

#include "core/crc32.hpp"
#include "fake_board.hpp"
#include "fake_ymodem.hpp"

using namespace fake::ymodem;

namespace {

// The OTA region in RAM; records whether an install was queued and the restart asked for.
class MemoryUpdateStore final : public hal::UpdateStore {
public:
    std::vector<std::uint8_t> bytes;
    long long queued = -1;
    int restarts = 0, discards = 0;

    hal::FlashSlot install_slot() const override { return {0x08020000, 0x60000}; }
    std::uint32_t capacity() const override { return 0x60000; }
    bool begin(std::uint32_t size) override {
        bytes.assign(size, 0xFF);
        queued = -1;
        return true;
    }
    bool write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) override {
        if (offset + len > bytes.size()) return false;
        std::copy_n(data, len, bytes.begin() + offset);
        return true;
    }
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        if (offset + len > bytes.size()) return false;
        std::copy_n(bytes.begin() + offset, len, dst);
        return true;
    }
    bool queue_install(std::uint32_t length) override {
        queued = length;
        return true;
    }
    void discard() override {
        queued = -1;
        ++discards;
    }
    void restart_to_install() override { ++restarts; }
};

// A sealed monolithic module for `platform`, linked at the board slot, no vector table.
std::string image(std::uint16_t platform) {
    std::string m(24 + 200 + 40 + 4, '\0');
    auto put32 = [&](std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) m[at + i] = static_cast<char>(v >> (8 * i));
    };
    put32(0, 0x08020000);
    put32(4, 0x08020000 + static_cast<std::uint32_t>(m.size()) - 4);
    m[8] = 0, m[9] = 0, m[10] = static_cast<char>(2302 & 0xFF), m[11] = static_cast<char>(2302 >> 8);
    m[12] = static_cast<char>(platform), m[14] = 3;  // monolithic, index 0
    const std::size_t suffix = m.size() - 4 - 36;
    m[suffix - 4] = static_cast<char>(platform), m[suffix - 3] = 0;           // product id
    m[suffix - 2] = static_cast<char>(0xFF), m[suffix - 1] = static_cast<char>(0xFF);
    m[suffix + 34] = 40;                                                      // suffix size
    const std::uint32_t crc = core::crc32(reinterpret_cast<const std::uint8_t*>(m.data()),
                                          m.size() - 4);
    for (int i = 0; i < 4; ++i) m[m.size() - 4 + i] = static_cast<char>(crc >> (24 - 8 * i));
    return m;
}

struct Rig {
    fake::Board b{"photon"};
    MemoryUpdateStore store;
    core::Device d;

    explicit Rig(bool with_store = true) : d(board(with_store)) {
        d.boot(hal::BootMode::normal);
        b.console.take();
    }
    core::Board board(bool with_store) {
        core::Board hal = b.hal();
        hal.updates = with_store ? &store : nullptr;
        return hal;
    }
    std::string step(const std::string& host, std::uint32_t advance_ms = 0) {
        b.clock.now += advance_ms;
        b.console.send(host);
        d.step();
        return b.console.take();
    }
    // Header, blocks and EOT of a particle-cli style transfer; the end of batch is left to
    // the test. Returns the device's bytes.
    std::string send_body(const std::string& file) {
        std::string out = step(header("binary", static_cast<std::uint32_t>(file.size())));
        std::uint8_t seq = 1;
        for (std::size_t at = 0; at < file.size(); at += 128)
            out += step(block(seq++, file.substr(at, 128)));
        return out + step(kEot);
    }
};

}  // namespace

TEST(DeviceUpdate, AValidImageIsQueuedAndTheDeviceRestartsIntoIt) {
    Rig r;
    ASSERT_TRUE(r.d.listening());
    EXPECT_EQ(r.step("f"), kReady);
    const std::string file = image(6);
    EXPECT_EQ(r.send_body(file), kAck + kC + std::string(3, '\x06') + kAck);
    EXPECT_TRUE(r.d.updating());  // SETUP-button holds are ignored now
    EXPECT_EQ(r.step(end_of_batch()), kAck + downloaded("binary", file.size()));
    EXPECT_EQ(r.store.queued, static_cast<long long>(file.size()));
    EXPECT_EQ(r.step("", 1000), kRestarting);
    EXPECT_EQ(r.store.restarts, 0);
    r.step("", 100);
    EXPECT_EQ(r.store.restarts, 1);
}

TEST(DeviceUpdate, ABareStxStartsTheReceiverWithoutTheReadyLine) {
    Rig r;
    const std::string file = image(6);
    std::string hdr = block(0, std::string("a.bin\0", 6) + std::to_string(file.size()) + " ",
                            1024, true);
    EXPECT_EQ(r.step(hdr), kAck + kC);
    EXPECT_TRUE(r.d.updating());
}

TEST(DeviceUpdate, AForeignImageIsRefusedAndTheConsoleComesBack) {
    Rig r;
    r.step("f");
    const std::string file = image(10);  // an Electron's
    r.send_body(file);
    EXPECT_EQ(r.step(end_of_batch()), kCanCan + "Validation failed: -1360\r\n");
    EXPECT_EQ(r.store.queued, -1);
    EXPECT_GE(r.store.discards, 1);
    EXPECT_FALSE(r.d.updating());
    r.step("", 5000);
    EXPECT_EQ(r.store.restarts, 0);
    EXPECT_EQ(r.step("v"), "system firmware version: 2.3.1+harken.0.1.0\n\r\n");
}

TEST(DeviceUpdate, ACorruptedImageIsRefusedWithTheIntegrityCode) {
    Rig r;
    r.step("f");
    std::string file = image(6);
    file[40] ^= 0x01;
    r.send_body(file);
    EXPECT_EQ(r.step(end_of_batch()), kCanCan + "Validation failed: -1330\r\n");
    EXPECT_EQ(r.store.queued, -1);
}

TEST(DeviceUpdate, MoreDataThanTheHeaderAnnouncedFailsTheTransfer) {
    Rig r;
    r.step("f");
    const std::string file = image(6);
    r.step(header("binary", 100));
    r.step(block(1, file.substr(0, 128)));
    // Block 1 held the 100 bytes and its padding; a second block is past the file.
    EXPECT_EQ(r.step(block(2, file.substr(128, 128))),
              kCanCan + kCanCan + "Failed to save chunk!\r\n");
    EXPECT_EQ(r.store.queued, -1);
}

TEST(DeviceUpdate, WithoutAnUpdateStoreEveryFileIsRefusedAtItsHeader) {
    Rig r(false);
    r.step("f");
    EXPECT_EQ(r.step(header("binary", 268)),
              kCanCan + kCanCan + "The file size is higher than the allowed space memory!\r\n");
    EXPECT_FALSE(r.d.updating());
}

TEST(DeviceUpdate, AResetMidTransferDropsTheStagedFile) {
    Rig r;
    r.step("f");
    r.step(header("binary", 268));
    r.step(block(1, image(6).substr(0, 128)));
    r.d.boot(hal::BootMode::normal);  // power cycle
    EXPECT_FALSE(r.d.updating());
    EXPECT_EQ(r.store.queued, -1);
    EXPECT_GE(r.store.discards, 1);
}

TEST(DeviceUpdate, ListeningModeStaysWhileATransferRunsPastTheTimeout) {
    fake::Board b("electron");  // the Electron's listening mode times out after 5 minutes
    std::strcpy(b.identity.iccid, "89340765000025876571");  // a SIM: no listening by itself
    MemoryUpdateStore store;
    core::Board hal = b.hal();
    hal.updates = &store;
    core::Device d(hal);
    d.boot(hal::BootMode::normal);
    d.start_listening(core::ListenReason::host_request);
    ASSERT_TRUE(d.listening());
    b.console.send("f");
    d.step();
    b.console.send(header("binary", 70 * 128));
    d.step();
    for (std::uint8_t seq = 1; seq <= 70; ++seq) {  // 343 s of blocks, 4.9 s apart
        b.clock.now += 4900;
        b.console.send(block(seq, file_bytes(128)));
        d.step();
        ASSERT_TRUE(d.updating()) << "block " << int(seq);
    }
    EXPECT_TRUE(d.listening());
    b.console.send(kEot + end_of_batch());  // not a module: refused, and the transfer ends
    d.step();
    EXPECT_FALSE(d.updating());
    d.step();
    EXPECT_FALSE(d.listening());  // now the timeout applies
}

// Found by the update_staging fuzzer: finish() checked and queued whatever the store held,
// even when no file was being received any more (after abort(), or after a finish() that
// had failed). A dropped file must never be installed.
TEST(UpdateStaging, AFileThatWasDroppedIsNeverQueued) {
    MemoryUpdateStore store;
    fake::Log log;
    core::UpdateStaging staging(&store, log);
    static const core::ModulePrefix installed = [] {
        core::ModulePrefix p{};
        p.function = static_cast<std::uint8_t>(core::ModuleFunction::monolithic);
        p.version = core::kModuleVersion;
        p.platform_id = 6;
        return p;
    }();
    staging.set_target({6, store.install_slot(), &installed, 6});
    const std::string file = image(6);
    const auto size = static_cast<std::uint32_t>(file.size());
    auto stage = [&] {
        ASSERT_TRUE(staging.begin("f.bin", size));
        ASSERT_TRUE(staging.write(0, reinterpret_cast<const std::uint8_t*>(file.data()), size));
    };

    stage();
    staging.abort();
    EXPECT_EQ(staging.finish(size), core::update_error::validation_failed);
    EXPECT_EQ(store.queued, -1);

    stage();
    EXPECT_EQ(staging.finish(size + 1), core::update_error::validation_failed);  // wrong size
    EXPECT_EQ(staging.finish(size), core::update_error::validation_failed);      // then again
    EXPECT_EQ(store.queued, -1);

    stage();  // the file being received is still taken
    EXPECT_EQ(staging.finish(size), 0);
    EXPECT_EQ(store.queued, static_cast<long long>(size));
}
