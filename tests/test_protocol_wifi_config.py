from dct_images import SECRET_PASSWORD, wifi_config_image
from harken.protocol.wifi_config import WIFI_CONFIG, decode_wifi_config
from harken.protocol.wifi_security import describe_security, security_name


def test_decodes_slots_soft_ap_country_and_mac():
    config = decode_wifi_config(bytes(wifi_config_image()))
    assert config.device_configured and config.has_credentials
    assert [(n.slot, n.ssid) for n in config.networks] == [
        (0, "HomeNet"),
        (1, "Cafe"),
        (3, "Office"),
        (4, "OldWep"),
    ]
    home = config.networks[0]
    assert home.security.name == "wpa2-aes" and home.channel == 6 and home.has_key
    assert config.networks[1].security.name == "open-aes"  # the serial-console quirk value
    assert config.networks[2].security.kind == "wpa2-enterprise"
    assert config.networks[3].security.name == "wep-shared"
    assert config.soft_ap.ssid == "Photon-7KQ2ZD" and config.soft_ap.channel == 11
    assert config.soft_ap.details_valid
    assert config.country_code == "US/0"
    assert config.mac == "6c:0b:84:aa:bb:cc"
    assert SECRET_PASSWORD.decode() not in repr(config)


def test_zeroed_section_has_no_credentials():
    config = decode_wifi_config(bytes(844))
    assert not config.device_configured and not config.has_credentials
    assert config.networks == () and config.mac is None


def test_security_offsets():
    parsed = WIFI_CONFIG.parse(bytes(wifi_config_image()))
    assert parsed.stored_ap_list[0].security == 0x00400004
    assert parsed.stored_ap_list[0].key_len == len(SECRET_PASSWORD)


def test_security_names():
    cases = {
        0: "open",
        0x1: "wep-psk",
        0x8001: "wep-shared",
        0x00200002: "wpa-tkip",
        0x00200004: "wpa-aes",
        0x00200006: "wpa-mixed",
        0x00400002: "wpa2-tkip",
        0x00400004: "wpa2-aes",
        0x00400006: "wpa2-mixed",
        0x02200004: "wpa-enterprise-aes",
        0x02400006: "wpa2-enterprise-mixed",
        0x00000005: "wep-aes",
        0x02400000: "wpa2-enterprise",
        0x00400000: "wpa2",
        0x20400004: "wpa2-aes+ibss",
        0xFFFFFFFF: "unknown",
        0x00000100: "0x00000100",
    }
    for value, name in cases.items():
        assert security_name(value) == name, hex(value)
    info = describe_security(0x02400006)
    assert (info.kind, info.cipher) == ("wpa2-enterprise", "aes+tkip")
    assert describe_security(0).cipher is None
