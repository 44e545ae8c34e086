#include "core/setup_console.hpp"

#include <cstring>

#include "core/json_writer.hpp"
#include "core/system_describe.hpp"

namespace core {
namespace {

bool printable(const char* s) {
    if (!*s) return false;
    for (; *s; ++s)
        if (*s < 0x20 || *s > 0x7E) return false;
    return true;
}

}  // namespace

void SetupConsole::poll() {
    // Stops as soon as a command ends listening mode: later bytes are not the console's.
    int c;
    while ((c = port_.read()) >= 0) {
        if (dialogue_ == Dialogue::none) {
            if (!dispatch(static_cast<unsigned char>(c))) return;
        } else if (reader_.feed(static_cast<unsigned char>(c), out_)) {
            if (reader_.flush_wanted()) flush_input();  // whatever arrived with the line
            if (!line_done()) return;
        }
    }
}

void SetupConsole::abort() {
    reader_.cancel();
    dialogue_ = Dialogue::none;
}

void SetupConsole::flush_input() {
    while (port_.read() >= 0) {
    }
}

bool SetupConsole::dispatch(unsigned char c) {
    switch (c) {
        case 'i': identify(); break;
        case 'm': mac(); break;
        case 'c':
            out_.text(ctx_.config.claimed() ? "Device claimed: yes\r\n" : "Device claimed: no\r\n");
            break;
        case 'C':
            out_.text("Enter 63-digit claim code: ");
            reader_.start(claim_code_, DeviceConfig::kClaimCodeLen);
            dialogue_ = Dialogue::claim_code;
            break;
        case 'v':
            out_.text("system firmware version: ");
            out_.text(kSystemVersion);
            out_.text("\n\r\n");
            break;
        case 's': write_system_describe(out_, ctx_); break;
        case 'd': write_diagnostics(out_, ctx_); break;
        case 'j': join_report(); break;
        case 'x': ctx_.actions.exit_listening(); return false;
        case 'L': ctx_.actions.reset_to_safe_mode_listening(); return false;
        case 'w':
            if (!ctx_.platform.has_wifi) break;  // the Electron console has no `w`
            dialogue_ = Dialogue::wifi;
            wifi_.start();
            break;
        case 'f':
        case 0x01:  // SOH or STX: a YMODEM sender that did not type `f` first
        case 0x02: ctx_.actions.receive_firmware(c == 'f' ? -1 : c); return false;
        default: break;  // others ignored
    }
    return true;
}

bool SetupConsole::line_done() {
    if (dialogue_ == Dialogue::claim_code) {
        claim_code_done();
        dialogue_ = Dialogue::none;
        return true;
    }
    if (wifi_.line_done()) return true;
    dialogue_ = Dialogue::none;
    if (!wifi_.config_done()) return true;
    ctx_.actions.exit_listening();
    return false;
}

void SetupConsole::claim_code_done() {
    const std::size_t len = std::strlen(claim_code_);
    if (len == DeviceConfig::kClaimCodeLen) {
        ctx_.config.set_claim_code(claim_code_, len);  // Device OS ignores the result too
        out_.text("Claim code set to: ");
        out_.text(claim_code_);
    } else {
        out_.text("Sorry, claim code is not 63 characters long. Claim code unchanged.");
    }
    out_.text("\r\n");
    std::memset(claim_code_, 0, sizeof claim_code_);
}

void SetupConsole::identify() {
    const hal::Identity& id = ctx_.identity;
    struct Entry {
        const char* label;
        const char* value;
    } entries[5];
    std::size_t n = 0;
    char secret[dct::app::kDeviceSecretSize + 1];
    if (ctx_.config.device_secret(secret)) entries[n++] = {"Device Secret", secret};
    if (printable(id.serial_number)) entries[n++] = {"Serial Number", id.serial_number};
    if (!ctx_.platform.has_wifi && id.imei[0]) {  // only when the modem answered
        entries[n++] = {"IMEI", id.imei};
        entries[n++] = {"ICCID", id.iccid};
        entries[n++] = {"Cell Radio Version", id.cell_radio_version};
    }
    out_.text(n == 0 ? "Your device id is " : "Device ID: ");
    out_.hex(id.device_id, sizeof id.device_id);
    out_.text("\r\n");
    for (std::size_t i = 0; i < n; ++i) {
        out_.text(entries[i].label);
        out_.text(": ");
        out_.text(entries[i].value);
        out_.text("\r\n");
    }
}

// harken's `j`: the latched outcome of the last join, as SoftAP's connect-status reports it.
void SetupConsole::join_report() {
    JsonWriter json(out_);
    json.begin_object();
    write_join_outcome(json, ctx_.join.outcome());
    json.end_object();
    out_.text("\r\n");
}

void SetupConsole::mac() {
    static const std::uint8_t kNoMac[6] = {};
    out_.text("Your device MAC address is\r\n");
    out_.hex(ctx_.platform.has_wifi ? ctx_.identity.mac : kNoMac, 6, ':');
    out_.text("\r\n");
}

}  // namespace core
