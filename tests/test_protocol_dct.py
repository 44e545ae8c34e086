from dct_images import CLAIM_CODE, SECRET_PASSWORD, app_dct_image
from harken.protocol.dct import (
    APP_DCT_SIZE,
    APPLICATION_DCT,
    FIELD_SPANS,
    decode_app_dct,
    decode_claim_code,
    decode_device_code,
    decode_dns_names,
    decode_ssid_prefix,
    softap_ssid,
)


def test_layout_offsets_match_the_spec():
    assert APPLICATION_DCT.sizeof() == APP_DCT_SIZE == 8391
    expected = {
        "device_private_key": (34, 1216),
        "device_public_key": (1250, 384),
        "ip_config": (1634, 24),
        "ota_update_flag": (1753, 1),
        "country_code": (1758, 4),
        "claim_code": (1762, 63),
        "claimed": (1825, 1),
        "ssid_prefix": (1826, 26),
        "device_code": (1852, 6),
        "dns_resolve": (1890, 128),
        "server_public_key": (2082, 768),
        "product_store": (2952, 24),
        "device_id": (3618, 12),
        "eap_config": (3823, 4296),
        "device_secret": (8119, 15),
    }
    for name, span in expected.items():
        assert FIELD_SPANS[name] == span, name


def test_full_image_decodes():
    config = decode_app_dct(bytes(app_dct_image()))
    assert config.missing == ()
    assert config.claim_code == CLAIM_CODE.decode()
    assert config.claim_code_length == 63
    assert config.claimed is True
    assert config.softap_ssid == "Photon-7KQ2ZD"
    assert config.product_id == 1234 and config.product_version == 7
    assert config.device_id == "3a0028000447343232363230"
    assert config.device_private_key.present and config.device_private_key.der_length == 611
    assert config.device_public_key.der_length == 162
    assert config.server_address.kind == "domain"
    assert config.server_address.host == "device.spark.io"
    assert config.server_address.port == 5683
    assert config.ip_config.mode == "static" and config.ip_config.host == "192.168.1.100"
    assert config.ota_update_pending is False
    assert config.country_code == "GB0"
    assert config.dns_resolve == ("setup.particle.io", "myhost")
    assert config.cloud_transport == "tcp"
    assert config.eap.eap_type == "peap" and config.eap.inner_identity == "alice"
    assert config.eap.has_password and config.eap.ca_certificate_length == 1200
    assert config.device_secret == "ABCDEFGHJKLMNPQ"
    assert config.system_flags["header"] == 0xFFFFFFFF
    text = repr(config)
    assert CLAIM_CODE.decode() not in text
    assert "ABCDEFGHJKLMNPQ" not in text
    assert SECRET_PASSWORD.decode() not in text


def test_erased_image():
    config = decode_app_dct(b"\xff" * APP_DCT_SIZE)
    assert config.claim_code is None and config.claimed is False
    assert config.softap_ssid is None and config.ssid_prefix is None
    assert config.product_id is None and config.product_version is None
    assert config.device_id is None
    assert not config.device_private_key.present
    assert config.server_address.kind == "unset"
    assert config.eap is None and config.device_secret is None
    assert config.cloud_transport == "udp" and config.antenna == "internal"


def test_short_dump_marks_fields_absent():
    config = decode_app_dct(bytes(app_dct_image()[:2000]))
    assert config.claim_code == CLAIM_CODE.decode()
    assert config.softap_ssid == "Photon-7KQ2ZD"
    assert "server_public_key" in config.missing and "device_secret" in config.missing
    assert "claim_code" not in config.missing
    assert config.server_public_key is None and config.device_id is None


def test_field_helpers():
    assert decode_claim_code(b"\x00" + b"x" * 62) is None
    assert decode_claim_code(b"abc" + b"\x00" * 60) == "abc"
    assert decode_ssid_prefix(b"\x00" + b"x" * 25) is None
    assert decode_ssid_prefix(b"\x1aPhoton") is None  # length 26 is invalid
    assert decode_ssid_prefix(b"\x02P1" + b"\xff" * 23) == "P1"
    assert decode_device_code(b"AB3X\x00\x00") == "AB3X"  # legacy 4-char code
    assert decode_device_code(b"\xff" * 6) is None
    assert softap_ssid(None, "7KQ2ZD") == "Photon-7KQ2ZD"
    assert softap_ssid("P1", None) is None
    assert decode_dns_names(b"\xff" * 10) == ()
