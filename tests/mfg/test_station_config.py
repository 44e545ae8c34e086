"""station.toml: the example parses to what it says, and every kind of mistake is a clear
error naming the place (and never a password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harken.dut_choice import DutChoice
from harken.mfg.led_reading import chromaticity, distance, show
from harken.mfg.station_config import (
    JoinStep,
    LedStep,
    ScanStep,
    StationConfigError,
    load_station,
)
from harken.mfg.station_example import write_example
from harken.mfg.station_steps import system_version_matches

MINIMAL = """
[station]
name = "line-2"
database = "db/units.db"

[expect]
platform = "p1"
product_id = 1234
product_version = 3

{steps}
"""


def write(tmp_path: Path, steps: str, **replace: str) -> Path:
    text = MINIMAL.format(steps=steps)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_is_the_sequence_the_readme_shows(tmp_path: Path) -> None:
    path = write_example(tmp_path / "station.toml")
    config = load_station(path)
    assert [s.kind for s in config.steps] == [
        "identify",
        "led",
        "button",
        "scan",
        "join",
        "rssi",
        "clear_credentials",
        "reboot",
    ]
    assert config.database == tmp_path.resolve() / "units.db"
    assert config.expect.platform_id == 6
    join = config.steps[4]
    assert isinstance(join, JoinStep) and join.security == 0x00400004
    assert "factory-secret" not in repr(join)
    assert [n.ssid for n in config.networks] == ["FactoryAP", "CustomerNet"]
    assert config.batch is not None and config.batch.ssid == "CustomerNet"
    assert config.uses_fixture() == [config.steps[1], config.steps[2]]
    with pytest.raises(FileExistsError):
        write_example(path)


def test_identify_is_added_first_when_left_out(tmp_path: Path) -> None:
    config = load_station(write(tmp_path, '[[step]]\nkind = "scan"\nssid = "A"\nmin_rssi = -60'))
    assert [s.kind for s in config.steps] == ["identify", "scan"]
    assert config.database == tmp_path.resolve() / "db" / "units.db"
    scan = config.steps[1]
    assert isinstance(scan, ScanStep) and (scan.ssid, scan.min_rssi) == ("A", -60)


def test_led_colours_by_name_or_rgb_and_an_expected_reading(tmp_path: Path) -> None:
    config = load_station(
        write(
            tmp_path,
            '[[step]]\nkind = "led"\ncolor = [255, 128, 0]\nexpect = "red"\ntolerance = 0.3\n'
            'sensor = "operator"',
        )
    )
    led = config.steps[1]
    assert isinstance(led, LedStep)
    assert led.colour.rgb == (255, 128, 0) and str(led.expect) == "red"
    assert (led.tolerance, led.sensor) == (0.3, "operator")


@pytest.mark.parametrize(
    ("steps", "replace", "message"),
    [
        ("", {}, "at least one \\[\\[step\\]\\]"),
        ('[[step]]\nkind = "dance"', {}, "kind = one of identify"),
        ('[[step]]\nkind = "rssi"', {}, "step 1 \\(rssi\\) min_rssi is missing"),
        ('[[step]]\nkind = "rssi"\nmin_rssi = 5', {}, "min_rssi is a whole number -128..0"),
        ('[[step]]\nkind = "scan"\nmin_rssi = -5', {}, "ssid is 1-32 bytes"),
        ('[[step]]\nkind = "rssi"\nmin_rssi = -5\nmin_rsi = 1', {}, "unknown key\\(s\\) min_rsi"),
        ('[[step]]\nkind = "led"\ncolor = "mauve"', {}, "color is one of white"),
        ('[[step]]\nkind = "led"\ncolor = [256, 0, 0]', {}, "color is one of"),
        ('[[step]]\nkind = "led"\nexpect = [0, 0, 0]', {}, "not black"),
        ('[[step]]\nkind = "led"\ntolerance = 2', {}, "tolerance is between 0 and 1"),
        ('[[step]]\nkind = "led"\nsensor = "camera"', {}, "sensor is one of fixture, operator"),
        ('[[step]]\nkind = "button"\nsource = "robot"', {}, "source is one of"),
        (
            '[[step]]\nkind = "join"\nssid = "A"\npassword = "pw"\nsecurity = "wpa9"',
            {},
            "unknown security 'wpa9'",
        ),
        ('[[step]]\nkind = "join"\nssid = "A"\ntimeout_s = 0', {}, "timeout_s is a whole number"),
        (
            '[[step]]\nkind = "reboot"\n[[step]]\nkind = "identify"',
            {},
            "identify must be the first step",
        ),
        (
            '[[step]]\nkind = "reboot"\n[[step]]\nkind = "reboot"',
            {},
            "two steps share a name",
        ),
        ('[[step]]\nkind = "reboot"', {'platform = "p1"': 'platform = "core"'}, "photon, p1"),
        ('[[step]]\nkind = "reboot"', {"product_id = 1234": ""}, "product_id is missing"),
        (
            '[[step]]\nkind = "reboot"',
            {"product_version = 3": "product_version = 70000"},
            "product_version is a whole number 0..65535",
        ),
        ('[[step]]\nkind = "reboot"', {'name = "line-2"': 'name = "a/b"'}, "name is 1-64"),
        ('[[step]]\nkind = "reboot"', {"[expect]": "[expected]"}, "unknown key\\(s\\) expected"),
        (
            '[[step]]\nkind = "reboot"\n[emulate]\nnetworks = ["Net:wpa9:hunter2"]',
            {},
            "\\[emulate\\] network 'Net': unknown security",
        ),
        ('[[step]]\nkind = "reboot"\n[batch]\npassword = "x"', {}, "\\[batch\\] ssid is"),
    ],
)
def test_mistakes_are_named(
    tmp_path: Path, steps: str, replace: dict[str, str], message: str
) -> None:
    with pytest.raises(StationConfigError, match=message) as caught:
        load_station(write(tmp_path, steps, **replace))
    assert "hunter2" not in str(caught.value)


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StationConfigError, match="harken mfg init"):
        load_station(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[station\nname = 1", encoding="utf-8")
    with pytest.raises(StationConfigError, match="not valid TOML"):
        load_station(broken)


def test_real_boards_cannot_use_fixture_steps(tmp_path: Path) -> None:
    from harken.mfg.station_run import check_dut

    config = load_station(write_example(tmp_path / "station.toml"))
    check_dut(config, DutChoice("native"))
    with pytest.raises(
        StationConfigError, match="step\\(s\\) led, button use the fixture.*operator"
    ):
        check_dut(config, DutChoice("serial", "/dev/ttyUSB0"))


def test_chromaticity_ignores_brightness() -> None:
    white = chromaticity((3735, 3735, 3735))
    assert white == (1.0, 1.0, 1.0)
    assert chromaticity((0, 0, 0)) is None
    assert distance(chromaticity((10000, 0, 0)) or white, white) == 1.0
    assert show(chromaticity((4000, 2000, 0))) == "(1.00, 0.50, 0.00)"
    assert show(None) == "dark"
    with pytest.raises(ValueError):
        chromaticity((1, 2))


def test_system_versions_match_without_build_metadata() -> None:
    assert system_version_matches("2.3.1+harken.0.1.0", "2.3.1")
    assert system_version_matches("2.3.1+harken.0.1.0", "2.3.1+harken.0.1.0")
    assert not system_version_matches("2.3.1+harken.0.1.0", "2.3")
    assert not system_version_matches("2.3.10", "2.3.1")
