"""harken.protocol.softap against the spec's examples and vectors: framing, HTTP, keys
and security names (softap spec §2, §3, §6, §7)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from harken.protocol.softap.framing import decode_request, encode_request, reply_payload
from harken.protocol.softap.http_framing import (
    IncompleteResponse,
    chunk,
    dechunk,
    encode_http_request,
    parse_http_response,
    response_complete,
)
from harken.protocol.softap.public_key import (
    PublicKeyError,
    decode_public_key,
    encode_public_key,
    encrypt_private_key,
    encrypt_secret,
)
from harken.protocol.softap.security import (
    SECURITY_VALUES,
    eap_type_value,
    is_enterprise,
    security_label,
    security_value,
    takes_password,
    wire_security,
)
from softap_vectors import (
    EXAMPLE_CLAIM_CODE,
    KIV,
    PASSWORD_CIPHERTEXT,
    PASSWORD_PLAINTEXT,
    PRIVATE_KEY_CIPHERTEXT,
    PRIVATE_KEY_DEVICE_PLAINTEXT,
    PRIVATE_KEY_LINE,
    SET_REPLY_HTTP_BODY,
    TEST_PUBLIC_KEY_B,
    VERSION_EXCHANGE_HTTP_BODY,
    vector_private_key,
)

PRIVATE_KEY = vector_private_key()
PUBLIC_KEY = PRIVATE_KEY.public_key()

# --- TCP framing (§2.1, §5) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "wire"),
    [
        ("version", b"", b"version\n0\n\n"),
        ("public-key", b"", b"public-key\n0\n\n"),
        ("connect-ap", b'{"idx":0}', b'connect-ap\n9\n\n{"idx":0}'),
        (
            "set",
            f'{{"k":"cc","v":"{EXAMPLE_CLAIM_CODE}"}}'.encode(),
            f'set\n80\n\n{{"k":"cc","v":"{EXAMPLE_CLAIM_CODE}"}}'.encode(),
        ),
    ],
)
def test_tcp_requests_match_the_spec_examples(name, body, wire):
    assert encode_request(name, body) == wire
    assert decode_request(wire) == (name, body)


def test_tcp_length_counts_utf8_bytes_not_characters():
    body = '{"ssid":"Café ☕"}'.encode()
    wire = encode_request("configure-ap", body)
    assert wire.startswith(f"configure-ap\n{len(body)}\n\n".encode())
    assert len(body) != len(body.decode())
    assert b"\r" not in wire


@pytest.mark.parametrize(
    "name", ["", "x" * 30, "version\n", "ver sion", "ver\rsion", "caf\u00e9", "a\x00"]
)
def test_bad_command_names_are_refused(name):
    with pytest.raises(ValueError):
        encode_request(name)


def test_a_29_byte_name_is_the_longest():
    assert encode_request("n" * 29).startswith(b"n" * 29 + b"\n")


def test_incomplete_requests_do_not_decode():
    with pytest.raises(ValueError):
        decode_request(b"configure-ap\n10\n\n{}")


def test_tcp_reply_payload_strips_the_preamble():
    assert reply_payload(b'\n\n{"v":2}') == b'{"v":2}'
    assert reply_payload(b"\n\n") == b""
    assert reply_payload(b"") == b""


# --- HTTP (§3) -----------------------------------------------------------------------------------


def test_the_version_exchange_dechunks():
    assert dechunk(VERSION_EXCHANGE_HTTP_BODY) == b'{"v":2}'


def test_one_byte_chunks_dechunk():
    assert dechunk(SET_REPLY_HTTP_BODY) == b'{"r":0}'


def test_chunk_boundaries_do_not_matter_and_upper_case_hex_works():
    payload = json.dumps({"b": TEST_PUBLIC_KEY_B, "r": 0}).encode()
    for sizes in ([1] * len(payload), [3, 200, 17], [len(payload)]):
        assert dechunk(chunk(payload, sizes)) == payload
    assert dechunk(b"1A\r\n" + b"x" * 26 + b"\r\n0\r\n\r\n") == b"x" * 26
    assert dechunk(b"2;ext=1\r\nab\r\n0\r\n\r\n") == b"ab"


def test_an_unfinished_chunked_body_is_incomplete():
    whole = SET_REPLY_HTTP_BODY
    for cut in range(len(whole)):
        with pytest.raises(IncompleteResponse):
            dechunk(whole[:cut])


def test_broken_chunking_is_an_error():
    with pytest.raises(ValueError) as raised:
        dechunk(b"zz\r\nab\r\n0\r\n\r\n")
    assert not isinstance(raised.value, IncompleteResponse)
    with pytest.raises(ValueError):
        dechunk(b"2\r\nabc\r\n0\r\n\r\n")


SPEC_HEADER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store, no-cache, "
    b"must-revalidate, post-check=0, pre-check=0\r\nPragma: no-cache\r\nConnection: Keep-Alive"
    b"\r\nAccess-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\n\r\n"
)


def test_the_spec_response_parses():
    response = parse_http_response(SPEC_HEADER + VERSION_EXCHANGE_HTTP_BODY)
    assert (response.status, response.body) == (200, b'{"v":2}')
    assert response.headers["access-control-allow-origin"] == "*"
    assert response_complete(SPEC_HEADER + VERSION_EXCHANGE_HTTP_BODY)
    assert not response_complete(SPEC_HEADER + VERSION_EXCHANGE_HTTP_BODY[:-2])
    assert not response_complete(SPEC_HEADER[:-2])


def test_an_empty_chunked_body_is_an_empty_reply():
    assert parse_http_response(SPEC_HEADER + b"0\r\n\r\n").body == b""


def test_content_length_and_close_delimited_bodies():
    head = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n"
    assert parse_http_response(head).status == 404
    hello = b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nSoft AP Setup\x00"
    assert parse_http_response(hello).body == b"Soft AP Setup\x00"
    bare = b"HTTP/1.1 200 OK\r\n\r\nabc"
    with pytest.raises(IncompleteResponse):
        parse_http_response(bare)
    assert parse_http_response(bare, at_eof=True).body == b"abc"
    with pytest.raises(ValueError):
        parse_http_response(SPEC_HEADER + b"1\r\n{", at_eof=True)


def test_http_requests_follow_the_servers_rules():
    get = encode_http_request("version", None, "192.168.0.1")
    assert get == b"GET /version HTTP/1.1\r\nHost: 192.168.0.1\r\n\r\n"
    body = f'{{"k":"cc","v":"{EXAMPLE_CLAIM_CODE}"}}'.encode()
    post = encode_http_request("set", body, "192.168.0.1")
    assert post == (
        b"POST /set HTTP/1.1\r\nHost: 192.168.0.1\r\nContent-Length: 80\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + body
    )
    assert b"Host: 127.0.0.1:8080\r\n" in encode_http_request("version", None, "127.0.0.1", 8080)


# --- public key and encryption (§7) -------------------------------------------------------------


def test_the_padded_public_key_decodes_to_the_test_key():
    key = decode_public_key(TEST_PUBLIC_KEY_B)
    assert key.public_numbers() == PUBLIC_KEY.public_numbers()
    assert key.key_size == 1024
    assert decode_public_key(TEST_PUBLIC_KEY_B.lower()).public_numbers() == key.public_numbers()
    assert encode_public_key(key) == TEST_PUBLIC_KEY_B


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (TEST_PUBLIC_KEY_B[:324], "has 162 bytes"),  # the DER alone
        (TEST_PUBLIC_KEY_B + "00", "has 295 bytes"),
        (TEST_PUBLIC_KEY_B[:-2] + "01", "zero bytes"),
        ("00" * 162 + "00" * 132, "not a DER"),
        ("zz" * 294, "not a hex string"),
    ],
)
def test_anything_but_the_padded_form_is_rejected(payload, message):
    with pytest.raises(PublicKeyError, match=message):
        decode_public_key(payload)


def test_a_key_of_another_size_is_rejected():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = other.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(PublicKeyError):
        decode_public_key((der + bytes(294 - len(der))).hex())


def test_the_spec_password_ciphertext_decrypts_with_the_test_key():
    plaintext = PRIVATE_KEY.decrypt(bytes.fromhex(PASSWORD_CIPHERTEXT), padding.PKCS1v15())
    assert plaintext == PASSWORD_PLAINTEXT.encode()


def test_passwords_are_pkcs1_v15_encrypted_in_lower_case_hex():
    ciphertext = encrypt_secret(PUBLIC_KEY, PASSWORD_PLAINTEXT.encode())
    assert len(ciphertext) == 256 and ciphertext == ciphertext.lower()
    assert ciphertext != encrypt_secret(PUBLIC_KEY, PASSWORD_PLAINTEXT.encode())  # random pad
    decrypted = PRIVATE_KEY.decrypt(bytes.fromhex(ciphertext), padding.PKCS1v15())
    assert decrypted == PASSWORD_PLAINTEXT.encode()
    with pytest.raises(ValueError, match="at most 117"):
        encrypt_secret(PUBLIC_KEY, b"x" * 118)


def test_the_eap_tls_key_vector():
    encrypted = encrypt_private_key(PUBLIC_KEY, PRIVATE_KEY_LINE, KIV)
    assert encrypted.key == PRIVATE_KEY_CIPHERTEXT
    assert PRIVATE_KEY.decrypt(bytes.fromhex(encrypted.ek), padding.PKCS1v15()) == KIV
    decryptor = Cipher(algorithms.AES(KIV[:16]), modes.CBC(KIV[16:])).decryptor()
    device_view = decryptor.update(bytes.fromhex(encrypted.key)) + decryptor.finalize()
    assert device_view == PRIVATE_KEY_DEVICE_PLAINTEXT  # the PKCS#7 padding stays
    assert device_view == PRIVATE_KEY_LINE.encode() + b"\r\n\x03\x03\x03"


def test_a_private_key_too_long_for_the_device_is_refused():
    encrypt_private_key(PUBLIC_KEY, "k" * 2029)  # 2031 bytes with CRLF: pads to 2032
    with pytest.raises(ValueError, match="too long"):
        encrypt_private_key(PUBLIC_KEY, "k" * 2030)


# --- security names (§6) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("open", 0),
        ("none", 0),
        ("wep_psk", 0x1),
        ("wep_shared", 0x8001),
        ("wpa_tkip", 0x00200002),
        ("wpa_aes", 0x00200004),
        ("wpa_mixed", 0x00200006),
        ("wpa2_aes", 0x00400004),
        ("wpa2_tkip", 0x00400002),
        ("wpa2_mixed", 0x00400006),
        ("wpa2", 0x00400006),
        ("wpa_enterprise_tkip", 0x02200002),
        ("wpa_enterprise_aes", 0x02200004),
        ("wpa_enterprise_mixed", 0x02200006),
        ("wpa2_enterprise_tkip", 0x02400002),
        ("wpa2_enterprise_aes", 0x02400004),
        ("wpa2_enterprise_mixed", 0x02400006),
        ("wpa2_enterprise", 0x02400006),
    ],
)
def test_security_names_match_the_spec_table(name, value):
    assert security_value(name) == value
    assert security_value(name.upper().replace("_", "-")) == value
    assert security_value(security_label(value)) == value


def test_security_numbers_and_labels():
    assert security_value("0x00400004") == 0x00400004
    assert security_value("4194310") == 0x00400006
    assert security_value("-1") == 0xFFFFFFFF
    assert security_label(0x00400006) == "wpa2_mixed"
    assert security_label(0) == "open"
    assert security_label(0xFFFFFFFF) == "unknown"
    assert security_label(0x10000004) == "wps_secure"
    assert wire_security(0xFFFFFFFF) == -1 and wire_security(0x00400004) == 4194308
    assert "enterprise" not in SECURITY_VALUES  # a mask, not a security
    with pytest.raises(ValueError, match="wpa2_aes"):
        security_value("wpa3")


def test_security_classes():
    assert takes_password(0x00400004) and takes_password(0x1)
    assert not takes_password(0) and not takes_password(0x02400004)
    assert is_enterprise(0x02200002) and not is_enterprise(0xFFFFFFFF)
    assert eap_type_value("peap") == 25 and eap_type_value("EAP-TLS") == 13
    with pytest.raises(ValueError):
        eap_type_value("ttls")
