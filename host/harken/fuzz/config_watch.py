"""The configuration oracle for emulated devices: after every case the DCT store must still
decode, the device key must be the one it had, and the claim code and the Wi-Fi credentials
may change only in a case where the device acknowledged storing them. Only digests are kept,
so no secret is held or shown."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from harken.protocol.dct import FIELD_SPANS, decode_app_dct
from harken.protocol.store import STORE_SIZE, current_sector

CLAIM_CODE = FIELD_SPANS["claim_code"]
DEVICE_KEY = FIELD_SPANS["device_private_key"]
EAP = FIELD_SPANS["eap_config"]
SECURITY_SECTION = (544, 6704)
"""The WICED security section in a store sector: EAP-TLS client key and certificate."""


@dataclass(frozen=True)
class ConfigSnapshot:
    """Digests of what the checks compare."""

    claim_code: str
    credentials: str
    device_key: str


@dataclass(frozen=True)
class Allowed:
    """What a case may have changed: the device said it stored a claim code (``Claim code
    set to:``, ``set`` → ``{"r":0}``) or credentials (``Particle <3 you!``,
    ``configure-ap`` → ``{"r":0}``)."""

    claim_code: bool = False
    credentials: bool = False


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"".join(parts)).hexdigest()[:16]


def _span(app: bytes, span: tuple[int, int]) -> bytes:
    return app[span[0] : span[0] + span[1]]


def snapshot(image: bytes) -> ConfigSnapshot | str:
    """The snapshot of a ``dct.bin`` image, or what is wrong with it."""
    if len(image) != STORE_SIZE:
        return f"dct.bin has {len(image)} bytes, not {STORE_SIZE}"
    sector = current_sector(image)
    if sector is None:
        return "dct.bin has no valid sector (magic and CRC)"
    app = sector.app_dct
    try:
        decode_app_dct(app)
    except Exception as exc:  # noqa: BLE001 - any decoding failure is the finding
        return f"the app DCT does not decode ({exc.__class__.__name__})"
    start, end = SECURITY_SECTION
    return ConfigSnapshot(
        claim_code=_digest(_span(app, CLAIM_CODE)),
        credentials=_digest(sector.wifi_config, sector.raw[start:end], _span(app, EAP)),
        device_key=_digest(_span(app, DEVICE_KEY)),
    )


def changes(before: ConfigSnapshot, after: ConfigSnapshot, allowed: Allowed) -> list[str]:
    """What changed that the case had no acknowledgement for."""
    problems = []
    if after.device_key != before.device_key:
        problems.append("the device key changed")
    if after.claim_code != before.claim_code and not allowed.claim_code:
        problems.append("the claim code changed without the device saying it stored one")
    if after.credentials != before.credentials and not allowed.credentials:
        problems.append("the Wi-Fi credentials changed without the device saying it saved any")
    return problems
