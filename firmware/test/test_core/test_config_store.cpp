// The store's promise: after a power cut at any byte of a commit, the next boot sees
// either the complete old or the complete new configuration.
#include <gtest/gtest.h>

#include <vector>

#include "core/config_store.hpp"
#include "core/crc32.hpp"
#include "core/le_bytes.hpp"
#include "fake_board.hpp"

namespace {

constexpr std::size_t kField = dct::kAppSection + dct::app::kClaimCode;

std::vector<std::uint8_t> image_of(const core::ConfigStore& s) {
    return {s.image() + core::ConfigStore::kHeaderSize, s.image() + dct::kImageSize};
}

}  // namespace

TEST(ConfigStore, ErasedFlashLoadsAsDefaults) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    ASSERT_TRUE(store.load());
    EXPECT_FALSE(store.has_copy());
    EXPECT_EQ(store.image()[kField], 0xFF);
}

TEST(ConfigStore, CommitSurvivesReloadAndAlternatesSectors) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    store.load();
    for (std::uint8_t round = 1; round <= 5; ++round) {
        ASSERT_TRUE(store.write(kField, &round, 1));
        ASSERT_TRUE(store.commit());
        core::ConfigStore reloaded(flash);
        ASSERT_TRUE(reloaded.load());
        EXPECT_EQ(reloaded.image()[kField], round);
        EXPECT_EQ(reloaded.sequence(), round);
    }
    // Both sectors now hold a valid copy: the older one is never written in place.
    EXPECT_NE(flash.cells[0], 0xFF);
    EXPECT_NE(flash.cells[hal::Storage::kSectorSize], 0xFF);
}

TEST(ConfigStore, UnchangedWriteDoesNotCommit) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    store.load();
    const std::uint8_t v = 7;
    store.write(kField, &v, 1);
    ASSERT_TRUE(store.commit());
    const auto before = flash.cells;
    store.write(kField, &v, 1);
    EXPECT_FALSE(store.dirty());
    ASSERT_TRUE(store.commit());
    EXPECT_EQ(flash.cells, before);
}

TEST(ConfigStore, RejectsOutOfBoundsAccess) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    store.load();
    std::uint8_t b[4] = {};
    EXPECT_FALSE(store.write(0, b, 4));                    // the header is the store's own
    EXPECT_FALSE(store.write(dct::kImageSize - 2, b, 4));  // past the end
    EXPECT_FALSE(store.read(dct::kImageSize, b, 1));
    EXPECT_TRUE(store.write(dct::kImageSize - 4, b, 4));
}

TEST(ConfigStore, CorruptCopyFallsBackToTheOtherOne) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    store.load();
    std::uint8_t v = 1;
    store.write(kField, &v, 1);
    store.commit();  // sector 0, seq 1
    v = 2;
    store.write(kField, &v, 1);
    store.commit();  // sector 1, seq 2
    flash.cells[hal::Storage::kSectorSize + 5000] ^= 0x01;  // bit rot in the newer copy
    core::ConfigStore reloaded(flash);
    reloaded.load();
    EXPECT_EQ(reloaded.image()[kField], 1);
    EXPECT_EQ(reloaded.sequence(), 1u);
}

TEST(ConfigStore, SequenceWrapsAround) {
    fake::Flash flash;
    core::ConfigStore store(flash);
    store.load();
    std::uint8_t v = 1;
    store.write(kField, &v, 1);
    store.commit();
    // Forge the copy's sequence to the last value before the wrap, with a matching CRC.
    std::uint8_t* h = flash.cells.data();
    core::put_le32(h + 8, 0xFFFFFFFFu);
    std::uint32_t crc = core::crc32(h + 4, 8);
    crc = core::crc32(h + 16, dct::kImageSize - 16, crc);
    core::put_le32(h + 12, crc);

    core::ConfigStore wrapped(flash);
    ASSERT_TRUE(wrapped.load());
    ASSERT_EQ(wrapped.sequence(), 0xFFFFFFFFu);
    v = 2;
    wrapped.write(kField, &v, 1);
    ASSERT_TRUE(wrapped.commit());
    core::ConfigStore after(flash);
    after.load();
    EXPECT_EQ(after.sequence(), 0u);
    EXPECT_EQ(after.image()[kField], 2);
}

// Power cut at (nearly) every byte of one commit: old or new, nothing else, and the
// next commit after the cut works.
TEST(ConfigStore, PowerCutAtAnyByteKeepsOldOrNew) {
    fake::Flash base;
    {
        core::ConfigStore store(base);
        store.load();
        const std::uint8_t old_value[3] = {'o', 'l', 'd'};
        store.write(kField, old_value, 3);
        store.commit();
    }
    std::vector<std::uint8_t> old_image, new_image;
    {
        core::ConfigStore s(base);
        s.load();
        old_image = image_of(s);
        const std::uint8_t new_value[3] = {'n', 'e', 'w'};
        s.write(kField, new_value, 3);
        new_image = image_of(s);
    }
    const long long total = hal::Storage::kSectorSize + dct::kImageSize;  // erase + program
    std::vector<long long> cuts;
    for (long long n = 0; n <= total; n += 13) cuts.push_back(n);
    for (long long n = total - 64; n <= total; ++n) cuts.push_back(n);  // header bytes
    for (long long n = 16370; n <= 16400; ++n) cuts.push_back(n);       // erase/program seam

    int saw_old = 0, saw_new = 0;
    for (long long n : cuts) {
        fake::Flash flash = base;
        core::ConfigStore store(flash);
        ASSERT_TRUE(store.load());
        const std::uint8_t new_value[3] = {'n', 'e', 'w'};
        store.write(kField, new_value, 3);
        flash.budget = n;
        store.commit();
        flash.budget = -1;  // power back on

        core::ConfigStore after(flash);
        ASSERT_TRUE(after.load());
        const auto got = image_of(after);
        const bool is_old = got == old_image, is_new = got == new_image;
        ASSERT_TRUE(is_old || is_new) << "cut after " << n << " bytes";
        saw_old += is_old;
        saw_new += is_new;

        const std::uint8_t next = 'x';
        after.write(kField, &next, 1);
        ASSERT_TRUE(after.commit()) << "cut after " << n << " bytes";
        core::ConfigStore again(flash);
        again.load();
        ASSERT_EQ(again.image()[kField], 'x');
    }
    EXPECT_GT(saw_old, 0);
    EXPECT_GT(saw_new, 0);
}
