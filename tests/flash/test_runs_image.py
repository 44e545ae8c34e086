"""How `harken flash --serial` decides from `s` that a device runs the image it was sent."""

from __future__ import annotations

from flash_images import synthetic_images
from harken.flash.serial_flash import runs_image
from harken.protocol.describe import parse_describe
from harken.protocol.module_binary import parse_module

IMAGE = parse_module(synthetic_images(6).good)  # monolithic v2302, product 6 version 5


def describe(product: str = "", sha: str = "", vv: int = 30) -> bytes:
    u = f'"u":"{sha}",' if sha else ""
    return (
        f'{{"p":6,{product}"m":[{{"s":393216,"l":"m","vc":30,"vv":{vv},{u}'
        '"f":"m","n":"0","v":2302,"d":[]}]}'
    ).encode()


def test_the_sha_decides_when_the_device_reports_one():
    assert runs_image(parse_describe(describe(sha=IMAGE.sha256.upper())), IMAGE) == "sha256"
    assert runs_image(parse_describe(describe(sha="AB" * 32)), IMAGE) == ""
    assert runs_image(parse_describe(describe(sha=IMAGE.sha256.upper(), vv=28)), IMAGE) == ""


def test_without_a_sha_the_product_fields_must_match_too():
    old = describe('"product_id":"6","product_version":"65535",')
    new = describe('"product_id":"6","product_version":"5",')
    assert runs_image(parse_describe(old), IMAGE) == ""  # same version, old product
    assert runs_image(parse_describe(new), IMAGE) == "version"
    assert runs_image(parse_describe(describe()), IMAGE) == "version"  # Device OS: no fields
