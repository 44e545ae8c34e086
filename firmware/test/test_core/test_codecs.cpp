// Small codecs of the core: security values, PEM, the line reader, the module checks.
#include <gtest/gtest.h>

#include <string>

#include "core/line_reader.hpp"
#include "core/module_info.hpp"
#include "core/pem.hpp"
#include "core/wifi_security.hpp"
#include "fake_board.hpp"

using core::Cipher;
using core::Security;

TEST(WifiSecurity, ConsoleDigitsToWicedValues) {
    EXPECT_EQ(core::to_wiced(Security::wpa2, Cipher::aes), 0x00400004u);
    EXPECT_EQ(core::to_wiced(Security::wpa, Cipher::aes_tkip), 0x00200006u);
    EXPECT_EQ(core::to_wiced(Security::wpa2_enterprise, Cipher::aes), 0x02400004u);
    EXPECT_EQ(core::to_wiced(Security::open, Cipher::aes), 0x4u);  // Device OS quirk
    EXPECT_EQ(core::to_wiced(Security::wep, Cipher::not_set), 0x1u);
}

TEST(WifiSecurity, ScanValuesToConsoleTypes) {
    EXPECT_EQ(core::security_from_wiced(0), Security::open);
    EXPECT_EQ(core::security_from_wiced(0x8001), Security::wep);
    EXPECT_EQ(core::security_from_wiced(0x00400006), Security::wpa2);
    EXPECT_EQ(core::security_from_wiced(0x00600006), Security::wpa);  // mixed → WPA
    EXPECT_EQ(core::security_from_wiced(0x02200002), Security::wpa_enterprise);
    EXPECT_EQ(core::cipher_from_wiced(0x00400006), Cipher::aes);
    EXPECT_EQ(core::cipher_from_wiced(0x00200002), Cipher::tkip);
    EXPECT_EQ(core::cipher_from_wiced(0x1), Cipher::not_set);
}

TEST(Pem, DecodesOneBlockAndRejectsJunk) {
    std::uint8_t der[16];
    const std::string ok = "-----BEGIN X-----\r\nMAMC\r\nAQE=\r\n-----END X-----";
    ASSERT_EQ(core::pem_to_der(ok.data(), ok.size(), der, sizeof der), 5u);
    EXPECT_EQ(der[0], 0x30);
    EXPECT_EQ(der[4], 0x01);
    const std::string bad = "-----BEGIN X-----\nMA*C\n-----END X-----";
    EXPECT_EQ(core::pem_to_der(bad.data(), bad.size(), der, sizeof der), 0u);
    const std::string no_end = "-----BEGIN X-----\nMAMCAQE=\n";
    EXPECT_EQ(core::pem_to_der(no_end.data(), no_end.size(), der, sizeof der), 0u);
    EXPECT_EQ(core::pem_to_der(ok.data(), ok.size(), der, 4), 0u);  // does not fit
}

namespace {

struct Reader {
    fake::Console port;
    core::ConsoleOutput out{port};
    core::LineReader reader;
    char buf[16];
    // Feeds bytes until the line completes; returns how many were consumed.
    std::size_t feed(const std::string& bytes) {
        for (std::size_t i = 0; i < bytes.size(); ++i)
            if (reader.feed(static_cast<unsigned char>(bytes[i]), out)) return i + 1;
        return bytes.size();
    }
};

}  // namespace

TEST(LineReader, OverflowByteEndsTheLineAndIsSwallowed) {
    Reader r;
    r.reader.start(r.buf, 3);
    EXPECT_EQ(r.feed("abcdef"), 4u);
    EXPECT_STREQ(r.buf, "abc");
    EXPECT_EQ(r.port.take(), "abc\r\n");
}

TEST(LineReader, EditingKeysOnlyWhenThereIsSomethingToErase) {
    Reader r;
    r.reader.start(r.buf, 10);
    r.feed("\x7f" "ab\x08" "c\r");
    EXPECT_STREQ(r.buf, "ac");
    EXPECT_EQ(r.port.take(), "ab\x08" "c\r\n");
}

TEST(LineReader, MultilineKeepsCrlfAfterEachLineAndEndsOnAnEmptyLine) {
    Reader r;
    r.reader.start(r.buf, 15, true);
    EXPECT_EQ(r.feed("one\ntwo\n\nrest"), 9u);
    EXPECT_STREQ(r.buf, "one\r\ntwo\r\n");
    EXPECT_EQ(r.port.take(), "one\r\ntwo\r\n\r\n");
    EXPECT_FALSE(r.reader.flush_wanted());  // Device OS returns without discarding input
}

TEST(LineReader, MultilineStopsAndFlushesWhenTheBufferIsNearlyFull) {
    Reader r;
    r.reader.start(r.buf, 12, true);
    EXPECT_EQ(r.feed("abcdefg\nmore"), 8u);  // 12 - 7 - 2 leaves 3 bytes: too few for more
    EXPECT_STREQ(r.buf, "abcdefg\r\n");
    EXPECT_TRUE(r.reader.flush_wanted());
}

TEST(LineReader, SingleLinesAlwaysFlush) {
    Reader r;
    r.reader.start(r.buf, 5);
    r.feed("ab\n");
    EXPECT_TRUE(r.reader.flush_wanted());
}

TEST(ModuleChecks, PlatformDependenciesAndRange) {
    core::RunningImage image{};
    image.prefix.platform_id = 6;
    image.prefix.function = 3;
    auto c = core::check_running_image(image, 6);
    EXPECT_EQ(c.checked, core::module_check::platform | core::module_check::dependencies);
    EXPECT_EQ(c.passed, c.checked);
    EXPECT_EQ(core::check_running_image(image, 8).passed, core::module_check::dependencies);
    image.slot_start = 0x08020000;
    image.slot_size = 0x60000;
    image.prefix.start_address = 0x08020000;
    image.prefix.end_address = 0x08030000;
    c = core::check_running_image(image, 6);
    EXPECT_TRUE(c.passed & core::module_check::range);
    image.prefix.end_address = 0x08090000;
    EXPECT_FALSE(core::check_running_image(image, 6).passed & core::module_check::range);
}

TEST(ModuleChecks, IntegrityOnlyWhereTheBackendCheckedTheImage) {
    core::RunningImage image{};
    image.prefix.platform_id = 6;
    EXPECT_FALSE(core::check_running_image(image, 6).checked & core::module_check::integrity);
    image.integrity = core::ImageIntegrity::intact;
    auto c = core::check_running_image(image, 6);
    EXPECT_TRUE(c.checked & c.passed & core::module_check::integrity);
    image.integrity = core::ImageIntegrity::corrupt;
    c = core::check_running_image(image, 6);
    EXPECT_TRUE(c.checked & core::module_check::integrity);
    EXPECT_FALSE(c.passed & core::module_check::integrity);
}

TEST(ModuleChecks, CrcIsStoredBigEndianAfterTheModule) {
    // "123456789" has the CRC-32 check value 0xCBF43926.
    std::uint8_t module[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9', 0xCB, 0xF4, 0x39, 0x26};
    EXPECT_TRUE(core::module_crc_matches(module, 9));
    module[12] = 0x27;
    EXPECT_FALSE(core::module_crc_matches(module, 9));
    module[12] = 0x26;
    module[0] = '0';
    EXPECT_FALSE(core::module_crc_matches(module, 9));
}
