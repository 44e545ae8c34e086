#include "core/wifi_dialog.hpp"

#include <cstring>

#include "core/pem.hpp"
#include "core/wifi_credentials.hpp"

namespace core {
namespace {

constexpr const char kSecurityPrompt[] =
    "Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2, 4=WPA Enterprise, 5=WPA2 Enterprise: ";
constexpr const char kCipherPrompt[] = "Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ";
constexpr const char kEapPrompt[] = "EAP Type 0=PEAP/MSCHAPv2, 1=EAP-TLS: ";
constexpr const char kSaving[] = "Thanks! Wait while I save those credentials...\r\n\r\n";
constexpr const char kSaved[] =
    "Awesome. Now we'll connect!\r\n\r\n"
    "If you see a pulsing cyan light, your device \r\n"
    "has connected to the Cloud and is ready to go!\r\n\r\n"
    "If your LED flashes red or you encounter any other problems,\r\n"
    "visit https://www.particle.io/support to debug.\r\n\r\n"
    "    Particle <3 you!\r\n\r\n";
constexpr const char kNotSaved[] = "Derp. Sorry, we couldn't save the credentials.\r\n\r\n";

constexpr std::size_t kLineMax = 64;

bool blank(const char* s) {
    for (; *s; ++s)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n' && *s != '\v' && *s != '\f')
            return false;
    return true;
}

}  // namespace

void WifiDialog::ask(Step step, const char* prompt, char* dst, std::size_t max,
                     bool multiline) {
    step_ = step;
    out_.text(prompt);
    reader_.start(dst, max, multiline);
}

void WifiDialog::start() {
    security_ = Security::not_set;
    cipher_ = Cipher::not_set;
    config_done_ = false;
    password_[0] = username_[0] = outer_identity_[0] = '\0';
    client_cert_len_ = client_key_len_ = root_ca_len_ = 0;
    ask(Step::ssid, "SSID: ", ssid_, 32);
}

bool WifiDialog::line_done() {
    switch (step_) {
        case Step::ssid:
            if (ssid_[0] != '\0') return after_ssid();
            ask(Step::ssid, "SSID: ", ssid_, 32);
            return true;
        case Step::security:
            if (digit_[0] >= '0' && digit_[0] <= '5') {
                security_ = static_cast<Security>(digit_[0] - '0');
                return after_security();
            }
            ask(Step::security, kSecurityPrompt, digit_, 1);
            return true;
        case Step::cipher:
            if (digit_[0] < '1' || digit_[0] > '3') {
                ask(Step::cipher, kCipherPrompt, digit_, 1);
                return true;
            }
            cipher_ = static_cast<Cipher>(digit_[0] - '0');
            return after_cipher();
        case Step::eap_type:
            if (digit_[0] == '1') {
                eap_type_ = EapType::tls;
                ask(Step::client_cert, "Client certificate in PEM format:\r\n", pem_,
                    sizeof pem_ - 1, true);
            } else if (digit_[0] == '0') {
                eap_type_ = EapType::peap;
                ask(Step::username, "Username: ", username_, kLineMax);
            } else {
                ask(Step::eap_type, kEapPrompt, digit_, 1);
            }
            return true;
        case Step::client_cert:
            client_cert_len_ = convert_pem(client_cert_, sizeof client_cert_);
            ask(Step::client_key, "Private key in PEM format:\r\n", pem_, 2047, true);
            return true;
        case Step::client_key:
            client_key_len_ = convert_pem(client_key_, sizeof client_key_);
            ask(Step::outer_identity, "Outer identity (optional): ", outer_identity_, kLineMax);
            return true;
        case Step::username:
            ask(Step::eap_password, "Password: ", password_, kLineMax);
            return true;
        case Step::eap_password:
            ask(Step::outer_identity, "Outer identity (optional): ", outer_identity_, kLineMax);
            return true;
        case Step::outer_identity:
            ask(Step::root_ca, "Root CA in PEM format (optional):\r\n", pem_, sizeof pem_ - 1,
                true);
            return true;
        case Step::root_ca:
            // Optional: a blank answer, or one that is not a PEM certificate, means none.
            root_ca_len_ = blank(pem_) ? 0 : convert_pem(root_ca_, sizeof root_ca_);
            return save();
        case Step::password:
            return save();
    }
    return false;
}

bool WifiDialog::after_ssid() {
    hal::AccessPoint ap;
    if (find_network(ctx_.radio, ssid_, std::strlen(ssid_), &ap)) {
        security_ = security_from_wiced(ap.security);
        cipher_ = cipher_from_wiced(ap.security);
    }
    if (security_ != Security::not_set) return after_security();
    ask(Step::security, kSecurityPrompt, digit_, 1);
    return true;
}

bool WifiDialog::after_security() {
    // Device OS dry-runs the credentials with a stand-in password to learn whether it must
    // ask for the cipher; a dry run that passes (an open network) already ends listening.
    std::strcpy(password_, security_ == Security::open ? "" : "1");
    const WifiCredentials probe{ssid_, std::strlen(ssid_), security_, cipher_, password_,
                                std::strlen(password_), 0, nullptr};
    const int dry = set_credentials(probe, true, ctx_.config, ctx_.radio);
    if (dry == credentials_result::ok) config_done_ = true;
    if (dry != credentials_result::cipher_required && cipher_ != Cipher::not_set)
        return after_cipher();
    ask(Step::cipher, kCipherPrompt, digit_, 1);
    return true;
}

bool WifiDialog::after_cipher() {
    // The password stays the dry run's stand-in "1" unless a prompt replaces it (EAP-TLS
    // never does), exactly as Device OS leaves it.
    if (security_ == Security::open) return save();
    if (is_enterprise(security_)) ask(Step::eap_type, kEapPrompt, digit_, 1);
    else ask(Step::password, "Password: ", password_, kLineMax);
    return true;
}

// A certificate or key that does not convert is simply absent; the save then decides.
std::size_t WifiDialog::convert_pem(std::uint8_t* der, std::size_t max) {
    return pem_to_der(pem_, std::strlen(pem_), der, max);
}

bool WifiDialog::save() {
    out_.text(kSaving);
    const auto bytes = [](const void* p, std::size_t n) {
        return Bytes{static_cast<const std::uint8_t*>(p), n};
    };
    const EnterpriseConfig enterprise{
        eap_type_,
        bytes(username_, std::strlen(username_)),
        bytes(outer_identity_, std::strlen(outer_identity_)),
        bytes(password_, std::strlen(password_)),
        bytes(root_ca_, root_ca_len_),
        bytes(client_cert_, client_cert_len_),
        bytes(client_key_, client_key_len_),
    };
    const WifiCredentials credentials{ssid_, std::strlen(ssid_), security_, cipher_,
                                      password_, std::strlen(password_), 0,
                                      is_enterprise(security_) ? &enterprise : nullptr};
    const int result = set_credentials(credentials, false, ctx_.config, ctx_.radio);
    if (result == credentials_result::ok) {
        config_done_ = true;
        ctx_.actions.credentials_changed();
        out_.text(kSaved);
    } else {
        out_.text(kNotSaved);
    }
    return false;
}

}  // namespace core
