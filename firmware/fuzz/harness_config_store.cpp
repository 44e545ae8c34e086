// The configuration store loading an arbitrary flash image (two sectors: headers, sequence
// numbers, CRCs and DCT content the input writes, resealed or not), every reader of the
// configuration on what it loaded, then a change committed under a power cut: the copy read
// back is the old one or the new one, never a mix. The fake flash aborts on any access
// outside a sector.
#include "core/config_store.hpp"
#include "core/crc32.hpp"
#include "core/device_config.hpp"
#include "core/le_bytes.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

using core::ConfigStore;


fuzz::Flash g_keyed;
fuzz::Flash g_flash;
ConfigStore g_store(g_flash);
core::DeviceConfig g_config(g_store);
std::uint8_t g_before[dct::kImageSize];

void init() { fuzz::make_keyed_flash(g_keyed); }

void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void seal(std::uint8_t* sector) {
    std::uint32_t crc = core::crc32(sector + 4, 8);
    crc = core::crc32(sector + ConfigStore::kHeaderSize, dct::kImageSize - ConfigStore::kHeaderSize,
                      crc);
    put32(sector + 12, crc);
}

// Reads everything the device reads from its configuration.
void read_all() {
    char code[core::DeviceConfig::kClaimCodeLen + 1];
    if (g_config.claim_code(code)) FUZZ_CHECK(std::strlen(code) <= core::DeviceConfig::kClaimCodeLen);
    (void)g_config.claimed();
    (void)g_config.has_wifi_credentials();
    core::StoredProfile p;
    for (std::size_t slot = 0; slot < dct::wifi::kApSlots + 1; ++slot)
        if (g_config.wifi_profile(slot, &p))
            FUZZ_CHECK(p.ssid_len <= 32 && p.key_len <= sizeof p.key &&
                       p.ssid[p.ssid_len] == '\0');
    (void)g_config.stored_product_id();
    (void)g_config.stored_product_version();
    char secret[dct::app::kDeviceSecretSize + 1];
    if (g_config.device_secret(secret))
        FUZZ_CHECK(std::strlen(secret) <= dct::app::kDeviceSecretSize);
}

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t setup = in.byte();
    std::memcpy(g_flash.cells, g_keyed.cells, sizeof g_flash.cells);
    g_flash.ops = 0;
    g_flash.fail_after = -1;
    // Each sector: the keyed copy's bytes, a copy of the other, or erased; then patched.
    std::uint8_t* sectors[2] = {g_flash.cells, g_flash.cells + hal::Storage::kSectorSize};
    if (setup & 1) std::memcpy(sectors[1], sectors[0], hal::Storage::kSectorSize);
    if (setup & 2) std::memset(sectors[0], 0xFF, hal::Storage::kSectorSize);
    std::uint8_t reseal = 0;
    while (in.left() > 3) {
        const std::uint8_t op = in.byte();
        std::uint8_t* s = sectors[op & 1];
        if (op & 2) {   // the header: a sequence number near the other's, or any
            put32(s + 8, op & 4 ? in.u32() : core::le32(sectors[!(op & 1)] + 8) + (in.byte() % 3));
            if (op & 8) put32(s, in.u32());             // magic
            if (op & 16) { s[4] = in.byte(); s[5] = in.byte(); }   // format
        } else {        // content bytes somewhere in the DCT
            const std::size_t at = in.u16() % dct::kImageSize;
            const std::uint8_t* p;
            std::size_t n = in.take(in.byte() % 128 + 1, &p);
            if (n > dct::kImageSize - at) n = dct::kImageSize - at;
            std::memcpy(s + at, p, n);
        }
        reseal |= static_cast<std::uint8_t>(1 << (op & 1));
        if (op & 0x80) reseal &= static_cast<std::uint8_t>(~(1 << (op & 1)));  // a torn CRC
    }
    for (int i = 0; i < 2; ++i)
        if (reseal & (1 << i)) seal(sectors[i]);

    fuzz::NoHeap no_heap;
    FUZZ_CHECK(g_store.load());
    read_all();
    // A claim code committed with the power failing after `cut` flash operations.
    std::memcpy(g_before, g_store.image(), sizeof g_before);
    static std::uint8_t after[dct::kImageSize];
    std::memcpy(after, g_before, sizeof after);
    char code[64] = {};
    for (int i = 0; i < 63; ++i) code[i] = static_cast<char>('a' + (setup + i) % 26);
    std::memcpy(after + dct::kAppSection + dct::app::kClaimCode, code, 63);
    g_flash.ops = 0;
    g_flash.fail_after = setup & 0x80 ? in.byte() : -1;
    const bool committed = g_config.set_claim_code(code, 63);
    g_flash.fail_after = -1;
    FUZZ_CHECK(!g_store.dirty());   // a failed commit leaves nothing staged
    FUZZ_CHECK(g_store.load());
    // The content, after the header (whose sequence number and CRC a commit changes).
    constexpr std::size_t h = ConfigStore::kHeaderSize;
    const bool is_old = std::memcmp(g_store.image() + h, g_before + h, dct::kImageSize - h) == 0;
    const bool is_new = std::memcmp(g_store.image() + h, after + h, dct::kImageSize - h) == 0;
    FUZZ_CHECK(is_new || is_old);
    FUZZ_CHECK(!committed || is_new);
    read_all();
}

}  // namespace

HARKEN_FUZZ_HARNESS("config_store", init, run);
