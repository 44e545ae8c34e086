"""``harken dct show FILE``: decode an app-DCT dump (DFU alt 1) or a harken ``dct.bin`` store.

Secrets stay hidden: for the claim code only presence and length, for keys and the device
secret only presence, for Wi-Fi networks only whether a passphrase is stored.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harken.cli.output import emit, fail, to_jsonable
from harken.protocol.dct import AppConfig, KeyInfo, ServerAddress, decode_app_dct
from harken.protocol.store import current_sector, is_store_image, parse_store
from harken.protocol.wifi_config import WifiConfig, decode_wifi_config

# displayed field → the app-DCT members it is decoded from
SOURCES: dict[str, tuple[str, ...]] = {
    "device_id": ("device_id",),
    "claim_code": ("claim_code",),
    "claimed": ("claimed",),
    "softap_ssid": ("ssid_prefix", "device_code"),
    "ssid_prefix": ("ssid_prefix",),
    "device_code": ("device_code",),
    "product_id": ("product_store",),
    "product_version": ("product_store",),
    "device_private_key": ("device_private_key",),
    "device_public_key": ("device_public_key",),
    "server_public_key": ("server_public_key",),
    "server_address": ("server_public_key",),
    "alt_device_private_key": ("alt_device_private_key",),
    "alt_device_public_key": ("alt_device_public_key",),
    "alt_server_public_key": ("alt_server_public_key",),
    "alt_server_address": ("alt_server_address",),
    "cloud_transport": ("cloud_transport",),
    "ip_config": ("ip_config",),
    "ota_update_pending": ("ota_update_flag",),
    "country_code": ("country_code",),
    "dns_resolve": ("dns_resolve",),
    "antenna": ("antenna_selection",),
    "eap": ("eap_config",),
    "device_secret": ("device_secret",),
    "system_flags": ("system_flags",),
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``dct`` and ``dct show``."""
    dct = commands.add_parser("dct", help="device configuration (DCT) images")
    sub = dct.add_subparsers(dest="dct_command", metavar="COMMAND", required=True)
    show = sub.add_parser("show", help="decode an app-DCT dump or a harken dct.bin store")
    show.add_argument("file", type=Path, metavar="FILE")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=run_show)


def _app_value(config: AppConfig, name: str) -> Any:
    if name == "claim_code":
        return {"present": config.claim_code is not None, "length": config.claim_code_length}
    if name == "device_secret":
        return {"present": config.device_secret is not None}
    return to_jsonable(getattr(config, name))


def app_payload(config: AppConfig) -> dict[str, Any]:
    """JSON form of a decoded app DCT: absent fields are listed in ``absent``."""
    missing = set(config.missing)
    fields: dict[str, Any] = {}
    absent: list[str] = []
    for name, sources in SOURCES.items():
        if missing.intersection(sources):
            absent.append(name)
        else:
            fields[name] = _app_value(config, name)
    return {"size": config.size, "fields": fields, "absent": absent}


def wifi_payload(config: WifiConfig) -> dict[str, Any]:
    """JSON form of the WICED Wi-Fi section (no passphrases)."""
    return {
        "device_configured": config.device_configured,
        "has_credentials": config.has_credentials,
        "networks": [
            {
                "slot": n.slot,
                "ssid": n.ssid,
                "security": n.security.name,
                "security_value": f"0x{n.security.value:08x}",
                "channel": n.channel,
                "has_password": n.has_key,
            }
            for n in config.networks
        ],
        "soft_ap": {
            "ssid": config.soft_ap.ssid,
            "security": config.soft_ap.security.name,
            "channel": config.soft_ap.channel,
            "has_password": config.soft_ap.has_key,
            "details_valid": config.soft_ap.details_valid,
        },
        "country_code": config.country_code,
        "mac": config.mac,
    }


def _key_text(info: KeyInfo) -> str:
    if not info.present:
        return "absent"
    return f"present ({info.der_length} bytes DER)" if info.der_length else "present"


def _address_text(address: ServerAddress) -> str:
    if address.kind in ("unset", "invalid"):
        return address.kind
    return f"{address.host}" + (f":{address.port}" if address.port is not None else "")


def _value_text(name: str, value: Any, config: AppConfig) -> str:
    if name == "claim_code":
        return f"set ({config.claim_code_length} characters)" if value["present"] else "none"
    if name == "device_secret":
        return "present" if value["present"] else "absent"
    raw = getattr(config, name)
    if isinstance(raw, KeyInfo):
        return _key_text(raw)
    if isinstance(raw, ServerAddress):
        return _address_text(raw)
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if raw is None:
        return "not set"
    if isinstance(raw, tuple):
        return ", ".join(raw) if raw else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    return str(raw)


def app_lines(config: AppConfig) -> list[str]:
    """Readable form of a decoded app DCT."""
    payload = app_payload(config)
    lines = [f"Application DCT ({config.size} bytes)"]
    for name in SOURCES:
        label = name.replace("_", " ")
        if name in payload["fields"]:
            lines.append(f"  {label}: {_value_text(name, payload['fields'][name], config)}")
        else:
            lines.append(f"  {label}: (absent from this dump)")
    return lines


def wifi_lines(config: WifiConfig) -> list[str]:
    """Readable form of the Wi-Fi section."""
    lines = [
        "Wi-Fi",
        f"  configured: {'yes' if config.device_configured else 'no'}",
        f"  MAC: {config.mac or 'not set'}",
        f"  country: {config.country_code or 'not set'}",
    ]
    if not config.networks:
        lines.append("  networks: none")
    for n in config.networks:
        password = "password stored" if n.has_key else "no password"
        lines.append(
            f"  slot {n.slot}: {n.ssid!r} {n.security.name} "
            f"(0x{n.security.value:08x}), channel {n.channel}, {password}"
        )
    soft = config.soft_ap
    lines.append(
        f"  SoftAP settings: {soft.ssid!r} {soft.security.name}, channel {soft.channel}"
        if soft.ssid
        else "  SoftAP settings: not set"
    )
    return lines


def run_show(args: argparse.Namespace) -> int:
    data = args.file.read_bytes()
    if is_store_image(data):
        sectors = parse_store(data)
        current = current_sector(data)
        store = {
            "current_sector": current.index if current else None,
            "sectors": [
                {"index": s.index, "valid": s.valid, "sequence": s.sequence, "format": s.format}
                for s in sectors
            ],
        }
        if current is None:
            return fail(f"{args.file}: neither sector of the store is valid")
        app = decode_app_dct(current.app_dct)
        wifi = decode_wifi_config(current.wifi_config)
        payload = {
            "file": str(args.file),
            "kind": "store",
            "store": store,
            "wifi": wifi_payload(wifi),
            "app": app_payload(app),
        }
        lines = [f"harken config store {args.file}"]
        lines += [
            f"  sector {s.index}: {'valid' if s.valid else 'invalid'}, sequence {s.sequence}"
            + (" (current)" if s.index == current.index else "")
            for s in sectors
        ]
        lines += wifi_lines(wifi) + app_lines(app)
    else:
        app = decode_app_dct(data)
        payload = {"file": str(args.file), "kind": "app-dct", "app": app_payload(app)}
        lines = [f"app DCT dump {args.file}"] + app_lines(app)
    emit(args.json, payload, lines)
    return 0
