"""The harken command without a device: argument parsing, ``dct show`` on built images and
the no-device error."""

import json

import pytest

from dct_images import CLAIM_CODE, SECRET_PASSWORD, app_dct_image, wifi_config_image
from harken.cli.main import build_parser, main
from harken.cli.output import to_jsonable
from harken.protocol.console import Identity
from harken.protocol.dct import decode_app_dct
from harken.protocol.store import SECTOR_SIZE, build_sector

CODE = "z" * 63


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys, *argv):
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


# --- argument parsing -------------------------------------------------------------------------


def test_parser_serial_commands():
    parser = build_parser()
    args = parser.parse_args(["serial", "identify", "--port", "socket://h:1", "--json"])
    assert (args.command, args.serial_command, args.port, args.json) == (
        "serial",
        "identify",
        "socket://h:1",
        True,
    )
    args = parser.parse_args(
        [
            "serial",
            "wifi",
            "--ssid",
            "Net",
            "--security",
            "wpa2-enterprise",
            "--cipher",
            "aes+tkip",
            "--eap-type",
            "tls",
            "--client-cert",
            "c.pem",
            "--private-key",
            "k.pem",
        ]
    )
    assert (args.security, args.cipher, args.eap_type) == ("wpa2-enterprise", "aes+tkip", "tls")
    assert args.password is None and str(args.client_cert) == "c.pem"
    assert parser.parse_args(["serial", "claim", CODE]).code == CODE
    for command in ("mac", "version", "inspect", "claimed", "listen", "exit", "diagnostics"):
        args = parser.parse_args(["serial", command, "--json", "--timeout", "3"])
        assert args.json and args.timeout == 3.0 and args.port is None


def test_parser_rejects_bad_choices():
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["serial", "wifi", "--ssid", "x", "--security", "wpa3"])
    with pytest.raises(SystemExit):
        parser.parse_args(["serial", "wifi"])  # --ssid is required
    with pytest.raises(SystemExit):
        parser.parse_args(["emulate", "native", "--platform", "core", "--state", "d"])
    with pytest.raises(SystemExit):
        parser.parse_args(["serial"])


def test_parser_emulate_and_dct():
    args = build_parser().parse_args(
        [
            "emulate",
            "native",
            "--platform",
            "electron",
            "--state",
            "d",
            "--json",
            "--device-id",
            "ab" * 12,
            "--listen-timeout",
            "60",
        ]
    )
    assert (args.platform, str(args.state), args.json, args.listen_timeout) == (
        "electron",
        "d",
        True,
        60.0,
    )
    args = build_parser().parse_args(["dct", "show", "f.bin", "--json"])
    assert str(args.file) == "f.bin" and args.json


# --- dct show ---------------------------------------------------------------------------------


def test_dct_show_app_dump(tmp_path, capsys):
    dump = tmp_path / "dct.bin"
    dump.write_bytes(bytes(app_dct_image()) + b"\xff" * 100)
    data = run_json(capsys, "dct", "show", str(dump))
    assert data["kind"] == "app-dct"
    fields = data["app"]["fields"]
    assert fields["claim_code"] == {"present": True, "length": 63}
    assert fields["claimed"] is True and fields["softap_ssid"] == "Photon-7KQ2ZD"
    assert fields["product_id"] == 1234 and fields["device_id"] == "3a0028000447343232363230"
    assert fields["device_private_key"] == {"present": True, "der_length": 611}
    assert fields["device_secret"] == {"present": True}
    assert data["app"]["absent"] == []
    status, text, _ = run(capsys, "dct", "show", str(dump))
    assert status == 0
    for out in (json.dumps(data), text):
        assert CLAIM_CODE.decode() not in out
        assert "ABCDEFGHJKLMNPQ" not in out
        assert SECRET_PASSWORD.decode() not in out
    assert "claim code: set (63 characters)" in text
    assert "softap ssid: Photon-7KQ2ZD" in text


def test_dct_show_short_dump(tmp_path, capsys):
    dump = tmp_path / "short.bin"
    dump.write_bytes(bytes(app_dct_image()[:1900]))
    data = run_json(capsys, "dct", "show", str(dump))
    assert data["app"]["fields"]["claimed"] is True
    assert "device_id" in data["app"]["absent"] and "eap" in data["app"]["absent"]
    status, text, _ = run(capsys, "dct", "show", str(dump))
    assert "device id: (absent from this dump)" in text


def test_dct_show_store(tmp_path, capsys):
    older = build_sector(1, bytes(844), b"\xff" * 8391)
    newer = build_sector(2, bytes(wifi_config_image()), bytes(app_dct_image()))
    store = tmp_path / "dct.bin"
    store.write_bytes(older + newer)
    data = run_json(capsys, "dct", "show", str(store))
    assert data["kind"] == "store" and data["store"]["current_sector"] == 1
    assert [s["sequence"] for s in data["store"]["sectors"]] == [1, 2]
    networks = data["wifi"]["networks"]
    assert networks[0] == {
        "slot": 0,
        "ssid": "HomeNet",
        "security": "wpa2-aes",
        "security_value": "0x00400004",
        "channel": 6,
        "has_password": True,
    }
    assert data["wifi"]["mac"] == "6c:0b:84:aa:bb:cc"
    assert data["app"]["fields"]["claim_code"]["length"] == 63
    status, text, _ = run(capsys, "dct", "show", str(store))
    assert "sector 1: valid, sequence 2 (current)" in text
    assert "slot 0: 'HomeNet' wpa2-aes" in text
    assert SECRET_PASSWORD.decode() not in text and CLAIM_CODE.decode() not in text


def test_dct_show_store_without_valid_sector(tmp_path, capsys):
    broken = bytearray(build_sector(1))
    broken[100] ^= 1
    store = tmp_path / "dct.bin"
    store.write_bytes(bytes(broken) + b"\xff" * SECTOR_SIZE)
    status, _, err = run(capsys, "dct", "show", str(store))
    assert status == 1 and "neither sector" in err


def test_dct_show_missing_file(tmp_path, capsys):
    status, _, err = run(capsys, "dct", "show", str(tmp_path / "nope.bin"))
    assert status == 1 and "nope.bin" in err


def test_no_device_found(capsys, monkeypatch):
    monkeypatch.setattr("harken.transport.discovery.list_ports.comports", lambda: [])
    status, _, err = run(capsys, "serial", "mac")
    assert status == 1 and "no Particle" in err


def test_json_output_leaves_out_fields_hidden_from_repr():
    identity = Identity(device_id="3a0028000447343232363230", form="long", device_secret="S" * 15)
    data = to_jsonable(identity)
    assert data["device_id"] == "3a0028000447343232363230"
    assert "device_secret" not in set(data)  # a set of names: a failure shows no values
    leaked = "S" * 15 in json.dumps(data)
    assert not leaked
    app = to_jsonable(decode_app_dct(bytes(app_dct_image())))
    assert not {"claim_code", "device_secret"} & set(app)
    leaked = CLAIM_CODE.decode() in json.dumps(app)
    assert not leaked
