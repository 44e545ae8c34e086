"""What a native device has stored: its ``dct.bin`` decoded with harken.protocol, raw enough
for exact comparisons (Wi-Fi keys and enterprise secrets as bytes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harken.protocol.dct import EAP_CONFIG, FIELD_SPANS, decode_app_dct
from harken.protocol.store import (
    APP_DCT_OFFSET,
    DATA_END,
    HEADER_SIZE,
    WIFI_CONFIG_OFFSET,
    StoreSector,
    current_sector,
)
from harken.protocol.wifi_config import WIFI_CONFIG

CLIENT_KEY_OFFSET = 544
CLIENT_KEY_SIZE = 2048
CLIENT_CERT_OFFSET = 2592
CLIENT_CERT_SIZE = 4096
SECURITY_SECTION = (CLIENT_KEY_OFFSET, WIFI_CONFIG_OFFSET)  # key, certificate, cooee key


@dataclass(frozen=True)
class StoredNetwork:
    ssid: bytes
    security: int
    key: bytes = field(repr=False)
    channel: int = 0


@dataclass(frozen=True)
class StoredEap:
    type: int
    inner_identity: bytes
    outer_identity: bytes
    password: bytes = field(repr=False)
    ca_der: bytes


@dataclass(frozen=True)
class StoredConfig:
    sector: StoreSector = field(repr=False)
    claim_code: str | None = field(repr=False)
    claimed: bool
    wifi: tuple[StoredNetwork, ...]
    eap: StoredEap
    client_certificate: bytes
    client_key: bytes = field(repr=False)

    @property
    def data(self) -> bytes:
        """The sector's content area (everything the CRC covers after the header)."""
        return self.sector.raw[HEADER_SIZE:DATA_END]


def der_prefix(raw: bytes) -> bytes:
    """The DER element at the start of a zero-padded slot (empty if the slot is blank)."""
    if not raw.strip(b"\x00") or not raw.strip(b"\xff"):
        return b""
    if len(raw) < 2:
        return raw
    first = raw[1]
    if first < 0x80:
        return raw[: 2 + first]
    width = first - 0x80
    return raw[: 2 + width + int.from_bytes(raw[2 : 2 + width], "big")]


def decode_store(image: bytes) -> StoredConfig:
    """Decode a ``dct.bin`` image; fails the test if no sector is valid."""
    sector = current_sector(image)
    if sector is None:
        pytest.fail("dct.bin has no valid current copy", pytrace=False)
    app = decode_app_dct(sector.app_dct)
    wifi = WIFI_CONFIG.parse(sector.wifi_config)
    networks = (
        tuple(
            StoredNetwork(
                ssid=bytes(e.ssid[: e.ssid_len]),
                security=e.security,
                key=bytes(e.key[: min(e.key_len, 64)]),
                channel=e.channel,
            )
            for e in wifi.stored_ap_list
            if 1 <= e.ssid_len <= 32
        )
        if wifi.device_configured == 1
        else ()
    )
    offset, size = FIELD_SPANS["eap_config"]
    eap = EAP_CONFIG.parse(sector.app_dct[offset : offset + size])
    ca_len = eap.ca_certificate_len if eap.ca_certificate_len <= 4096 else 0
    raw = sector.raw
    return StoredConfig(
        sector=sector,
        claim_code=app.claim_code,
        claimed=bool(app.claimed),
        wifi=networks,
        eap=StoredEap(
            type=eap.type,
            inner_identity=bytes(eap.inner_identity[: min(eap.inner_identity_len, 64)]),
            outer_identity=bytes(eap.outer_identity[: min(eap.outer_identity_len, 64)]),
            password=bytes(eap.security_key[: min(eap.security_key_len, 64)]),
            ca_der=bytes(eap.ca_certificate[:ca_len]),
        ),
        client_certificate=der_prefix(
            raw[CLIENT_CERT_OFFSET : CLIENT_CERT_OFFSET + CLIENT_CERT_SIZE]
        ),
        client_key=der_prefix(raw[CLIENT_KEY_OFFSET : CLIENT_KEY_OFFSET + CLIENT_KEY_SIZE]),
    )


def read_store(state: Path) -> StoredConfig:
    """Decode ``state/dct.bin``."""
    return decode_store((Path(state) / "dct.bin").read_bytes())


def app_span(name: str) -> tuple[int, int]:
    """Sector-relative (start, end) of an app-DCT field."""
    offset, size = FIELD_SPANS[name]
    return APP_DCT_OFFSET + offset, APP_DCT_OFFSET + offset + size


def changed_ranges(before: bytes, after: bytes) -> list[tuple[int, int]]:
    """Sector-relative [start, end) ranges where two sector images differ, past the header."""
    ranges: list[tuple[int, int]] = []
    start = None
    for i in range(HEADER_SIZE, DATA_END):
        if before[i] != after[i]:
            if start is None:
                start = i
        elif start is not None:
            ranges.append((start, i))
            start = None
    if start is not None:
        ranges.append((start, DATA_END))
    return ranges


def assert_only_changed(
    before: StoredConfig, after: StoredConfig, allowed: list[tuple[int, int]], what: str
) -> None:
    """Every byte outside ``allowed`` sector ranges is identical (no contents in messages)."""
    outside = [
        (s, e)
        for s, e in changed_ranges(before.sector.raw, after.sector.raw)
        if not any(lo <= s and e <= hi for lo, hi in allowed)
    ]
    if outside:
        pytest.fail(f"{what}: bytes changed outside the written fields at {outside}", False)


def check_claim_code(actual: str | None, expected: str | None, what: str = "claim code") -> None:
    """Compare claim codes without ever printing one."""
    if actual == expected:
        return

    def describe(value: str | None) -> str:
        return "none" if value is None else f"a {len(value)}-character code"

    pytest.fail(f"{what}: expected {describe(expected)}, got {describe(actual)}", pytrace=False)


def check_same_bytes(actual: bytes, expected: bytes, what: str) -> None:
    """Compare images that hold secrets: report sizes and the first difference only."""
    if actual == expected:
        return
    first = next(
        (i for i, (a, e) in enumerate(zip(actual, expected, strict=False)) if a != e),
        min(len(actual), len(expected)),
    )
    pytest.fail(
        f"{what}: {len(actual)} bytes vs {len(expected)} expected, first difference at {first}",
        pytrace=False,
    )
