import pytest

from harken.protocol.console import ConsoleFormatError
from harken.protocol.describe import parse_describe
from harken.protocol.platform import platform_by_cdc_pid, platform_by_name, platform_name

# Device OS 2.3.1 style replies (spec §4.6), as a real multi-module device sends them.
PHOTON_DESCRIBE = (
    b'{"p":6,"m":[{"s":16384,"l":"m","vc":30,"vv":30,"f":"b","n":"0","v":1006,"d":[]},'
    b'{"s":262144,"l":"m","vc":30,"vv":30,"f":"s","n":"1","v":2302,'
    b'"d":[{"f":"s","n":"2","v":207}]},'
    b'{"s":262144,"l":"m","vc":30,"vv":30,"f":"s","n":"2","v":2302,'
    b'"d":[{"f":"s","n":"1","v":2302},{"f":"b","n":"0","v":1006}]},'
    b'{"s":131072,"l":"m","vc":30,"vv":30,"u":"' + b"AB" * 32 + b'","f":"u","n":"1","v":6,'
    b'"d":[{"f":"s","n":"2","v":2302}]}]}'
)
ELECTRON_DESCRIBE = (
    b'{"p":10,"imei":"352753090034567","iccid":"89340765000025876571","cellfw":"23.60",'
    b'"m":[{"s":16384,"l":"m","vc":30,"vv":30,"f":"b","n":"0","v":1006,"d":[]}]}'
)


def test_photon_2x_describe():
    describe = parse_describe(PHOTON_DESCRIBE + b"\r\n")
    assert describe.platform_id == 6
    assert describe.platform_name == "photon"
    assert [m.function_name for m in describe.modules] == [
        "bootloader",
        "system",
        "system",
        "user",
    ]
    part2 = describe.modules[2]
    assert part2.index == 2 and part2.version == 2302 and part2.max_size == 262144
    assert part2.store_name == "main"
    assert [(d.function_name, d.index, d.version) for d in part2.dependencies] == [
        ("system", 1, 2302),
        ("bootloader", 0, 1006),
    ]
    user = describe.modules[3]
    assert user.sha256 == "AB" * 32
    assert user.valid
    assert user.check_results() == {
        "integrity": True,
        "dependencies": True,
        "range": True,
        "platform": True,
    }


def test_v152_form_with_underscore_members():
    reply = (
        b'{"p":8,"m":[{"s":262144,"l":"m","vc":30,"vv":26,"f":"s","n":"2","v":1512,'
        b'"d":[{"f":"s","n":"1","v":1512,"_":""}]}]}\r\n'
    )
    describe = parse_describe(reply)
    assert describe.platform_name == "p1"
    module = describe.modules[0]
    assert module.dependencies[0].version == 1512
    assert not module.valid
    assert module.check_results()["dependencies"] is False


def test_electron_properties():
    describe = parse_describe(ELECTRON_DESCRIBE)
    assert describe.platform_name == "electron"
    assert describe.properties == {
        "imei": "352753090034567",
        "iccid": "89340765000025876571",
        "cellfw": "23.60",
    }


def test_unknown_platform_and_errors():
    assert parse_describe(b'{"p":99,"m":[]}').platform_name is None
    with pytest.raises(ConsoleFormatError):
        parse_describe(b'{"m":[]}')
    with pytest.raises(ConsoleFormatError):
        parse_describe(b'{"p":6,"m":[{"s":"big"}]}')


def test_platform_tables():
    assert platform_name(6) == "photon" and platform_name(8) == "p1"
    assert platform_name(10) == "electron" and platform_name(12) is None
    assert platform_by_cdc_pid(0xC00A).name == "electron"
    assert platform_by_name("Photon").usb_dfu_pid == 0xD006
