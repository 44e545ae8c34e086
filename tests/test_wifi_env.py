"""The simulated Wi-Fi neighbourhood file and how NativeDevice and the CLI hand it over."""

from __future__ import annotations

import pytest

from harken.cli.main import build_parser
from harken.emulate.native import NativeDevice
from harken.emulate.wifi_env import (
    WIFI_ENV_FILE,
    WifiNetwork,
    format_wifi_env,
    parse_network_spec,
    parse_wifi_env,
    read_wifi_env,
    write_wifi_env,
)


def test_lines_have_seven_tab_separated_columns():
    networks = [
        WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password="pass phrase"),
        WifiNetwork("Cafe", 0, channel=11, rssi=-63),
        WifiNetwork("Odd", 0xFFFFFFFF, join_ms=0, behaviour="timeout", password="x"),
        WifiNetwork("Gone", -1, behaviour="gone"),
    ]
    assert format_wifi_env(networks) == (
        "HomeNet\t00400004\t6\t-45\tpass phrase\t200\tok\n"
        "Cafe\t00000000\t11\t-63\t\t200\tok\n"
        "Odd\tffffffff\t1\t-50\tx\t0\ttimeout\n"
        "Gone\tffffffff\t1\t-50\t\t200\tgone\n"
    )


def test_the_first_four_columns_keep_the_old_format():
    line = WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-48).line()
    assert line.split("\t")[:4] == ["HomeNet", "00400004", "6", "-48"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ssid": "a\tb"},
        {"ssid": "a\nb"},
        {"ssid": ""},
        {"ssid": "x" * 33},
        {"password": "p\tw"},
        {"password": "p\r"},
        {"password": "p" * 65},
        {"behaviour": "flaky"},
        {"join_ms": -1},
        {"channel": 256},
        {"security": 1 << 32},
    ],
)
def test_invalid_networks_are_refused(kwargs):
    values = {"ssid": "Net", "security": 0, **kwargs}
    with pytest.raises(ValueError):
        WifiNetwork(**values)


def test_a_refused_password_is_not_in_the_message():
    with pytest.raises(ValueError) as raised:
        WifiNetwork("Net", 0x00400004, password="secret\tvalue")
    assert "secret" not in str(raised.value)


def test_the_file_is_replaced_atomically(tmp_path):
    target = write_wifi_env(tmp_path / "state", [WifiNetwork("One", 0)])
    assert target == tmp_path / "state" / WIFI_ENV_FILE
    before = target.stat().st_ino
    write_wifi_env(tmp_path / "state", [WifiNetwork("Two", 0)])
    assert target.read_text().startswith("Two\t")
    assert target.stat().st_ino != before  # a new file renamed over the old one
    assert [p.name for p in target.parent.iterdir()] == [WIFI_ENV_FILE]


def test_the_file_reads_back_as_the_device_reads_it(tmp_path):
    networks = [
        WifiNetwork("Home Net", 0x00400004, channel=6, rssi=-45, password="pass phrase"),
        WifiNetwork("Cafe", 0, channel=11, rssi=-63),
        WifiNetwork("Odd", 0xFFFFFFFF, join_ms=0, behaviour="timeout", password="x"),
        WifiNetwork("Café ☕", 0x00400006, behaviour="gone"),
    ]
    assert read_wifi_env(tmp_path) == []  # no file: no networks
    write_wifi_env(tmp_path, networks)
    assert read_wifi_env(tmp_path) == networks
    # the columns after the security are optional; lines naming no network are skipped
    assert parse_wifi_env("Old\t400004\t3\t-70\n\njunk\n\t0\n" + "x" * 33 + "\t0\n") == [
        WifiNetwork("Old", 0x00400004, channel=3, rssi=-70)
    ]
    with pytest.raises(ValueError, match="line 2") as raised:
        parse_wifi_env("A\t0\nB\t4\t1\t-50\tsecret-pass\t200\tflaky\n")
    assert "secret-pass" not in str(raised.value)


def test_native_device_writes_the_environment_and_passes_softap_ports(tmp_path):
    program = tmp_path / "program"
    program.write_text("")
    device = NativeDevice(tmp_path / "s", program=program)
    assert "--softap-port" not in device.command()  # the program's default: ephemeral
    device.set_wifi_environment([WifiNetwork("Net", 0x00400004, password="pass-word")])
    assert (tmp_path / "s" / WIFI_ENV_FILE).read_text().startswith("Net\t00400004\t")
    device = NativeDevice(tmp_path / "s", program=program, softap_port=0, http_port=8080)
    command = device.command()
    assert command[command.index("--softap-port") + 1] == "0"
    assert command[command.index("--http-port") + 1] == "8080"
    assert device.softap_tcp_port is None and device.softap_http_port is None
    with pytest.raises(ValueError):
        NativeDevice(tmp_path / "s", program=program, http_port=70000)


def test_softap_ports_come_from_the_ready_line(tmp_path):
    device = NativeDevice(tmp_path, program=tmp_path / "program")
    device._info = {"event": "ready", "softap": {"tcp": 40001, "http": 40002}}
    assert (device.softap_tcp_port, device.softap_http_port) == (40001, 40002)
    device._info = {"event": "ready"}  # the Electron
    assert (device.softap_tcp_port, device.softap_http_port) == (None, None)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("HomeNet:wpa2_aes:pass word", WifiNetwork("HomeNet", 0x00400004, password="pass word")),
        ("Cafe:open", WifiNetwork("Cafe", 0)),
        ("Cafe:OPEN::11:-70", WifiNetwork("Cafe", 0, channel=11, rssi=-70)),
        (
            r"Home\:Net:0x00400006:a\\b\:c:6",
            WifiNetwork("Home:Net", 0x00400006, 6, password="a\\b:c"),
        ),
        (
            "Slow:wpa2:pw:1:-50:5000:timeout",
            WifiNetwork("Slow", 0x00400006, 1, -50, "pw", 5000, "timeout"),
        ),
    ],
)
def test_network_specs(spec, expected):
    network = parse_network_spec(spec)
    assert network == expected and network.password == expected.password


@pytest.mark.parametrize(
    "spec", ["Lonely", "Net:wpa9", "Net:open::x", "Net:open:::::ok:extra", "a\\b:open"]
)
def test_bad_network_specs(spec):
    with pytest.raises(ValueError):
        parse_network_spec(spec)


def test_the_cli_option_does_not_echo_a_bad_spec(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["emulate", "native", "--state", "s", "--network", "Net:wpa9:hunter2-secret"]
        )
    assert "hunter2-secret" not in capsys.readouterr().err
    args = build_parser().parse_args(
        ["emulate", "native", "--state", "s", "--network", "A:open", "--network", "B:wpa2:pw"]
    )
    assert [n.ssid for n in args.networks] == ["A", "B"]
