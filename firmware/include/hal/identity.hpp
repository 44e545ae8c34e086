#pragma once
// Facts fixed in hardware: the MCU unique ID, the Wi-Fi MAC, factory OTP data and, on the
// Electron, what the modem reports. Strings are NUL-terminated; empty means "absent".
#include <cstdint>

namespace hal {

struct Identity {
    std::uint8_t device_id[12];
    std::uint8_t mac[6];
    char serial_number[16];       // OTP; printed by `i` only when present and printable
    char imei[20];                // Electron modem
    char iccid[24];
    char cell_radio_version[24];
};

}  // namespace hal
