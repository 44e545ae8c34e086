#pragma once
// The `w` Wi-Fi credential dialogue of Photon/P1 (serial-listening-mode.md §5), driven one
// completed input line at a time by the setup console.
#include <cstddef>
#include <cstdint>

#include "core/console_context.hpp"
#include "core/line_reader.hpp"

namespace core {

class WifiDialog {
public:
    WifiDialog(ConsoleContext& ctx, ConsoleOutput& out, LineReader& reader)
        : ctx_(ctx), out_(out), reader_(reader) {}

    void start();
    // Called after the line reader completed a line; returns false once the dialogue ended.
    bool line_done();
    // True when the dialogue ended in a way that leaves listening mode.
    bool config_done() const { return config_done_; }

private:
    enum class Step : std::uint8_t {
        ssid, security, cipher, password, eap_type, client_cert, client_key, username,
        eap_password, outer_identity, root_ca,
    };

    void ask(Step step, const char* prompt, char* dst, std::size_t max, bool multiline = false);
    bool after_ssid();
    bool after_security();
    bool after_cipher();
    bool save();
    std::size_t convert_pem(std::uint8_t* der, std::size_t max);

    ConsoleContext& ctx_;
    ConsoleOutput& out_;
    LineReader& reader_;
    Step step_ = Step::ssid;
    Security security_ = Security::not_set;
    Cipher cipher_ = Cipher::not_set;
    EapType eap_type_ = EapType::peap;
    bool config_done_ = false;

    char ssid_[33];
    char password_[65];
    char digit_[2];
    char username_[65];
    char outer_identity_[65];
    char pem_[4096];
    std::uint8_t client_cert_[3072];
    std::uint8_t client_key_[1536];
    std::uint8_t root_ca_[3072];
    std::size_t client_cert_len_ = 0, client_key_len_ = 0, root_ca_len_ = 0;
};

}  // namespace core
