#pragma once
// What the host runner tells the emulated device on QEMU's command line
// (`-semihosting-config enable=on,target=native,arg=KEY=VALUE,...`; QEMU joins the values
// with spaces, so values cannot contain spaces):
//   dct=PATH            the semihosted DCT file (default: harken-dct.bin in QEMU's cwd)
//   ota=PATH            where an incoming firmware image is staged (default: harken-ota.bin)
//   device_id=<24 hex>  the 12-byte device id (default 6861726b656e000000000001,
//                       "harken" then 1: QEMU's UID registers read 0)
//   mac=<12 hex>        the Wi-Fi MAC the console's `m` reports (default all zeros)
//   seed=<hex>          entropy seed, 1-32 bytes; without it a weak host-clock seed
//   imei=<digits>       the Electron modem's IMEI (15-16 digits; default none)
//   iccid=<digits>      its SIM's ICCID (18-22 digits; default none: no SIM, so no
//                       credentials and listening mode)
// Other words (the kernel's file name when no arg= is given) are ignored.
#include <cstddef>
#include <cstdint>

namespace qemu {

struct BootArguments {
    static constexpr std::size_t kMaxPath = 256, kMaxSeed = 32;
    char dct_path[kMaxPath] = "harken-dct.bin";
    char ota_path[kMaxPath] = "harken-ota.bin";
    std::uint8_t device_id[12] = {'h', 'a', 'r', 'k', 'e', 'n', 0, 0, 0, 0, 0, 1};
    std::uint8_t mac[6] = {};
    std::uint8_t seed[kMaxSeed] = {};
    std::size_t seed_len = 0;  // 0: no seed given
    char imei[20] = {};
    char iccid[24] = {};
    const char* rejected = nullptr;  // the first key whose value was malformed (ignored)
};

// Parses a command line; malformed values keep their defaults.
void parse_boot_arguments(const char* line, BootArguments* out);
// The emulator's command line, read once at first use.
const BootArguments& boot_arguments();

}  // namespace qemu
