"""``harken softap …``: set up a Photon or P1 over its SoftAP (TCP 5609 or HTTP 80).

Join the device's ``Photon-XXXXXX`` network first (or point ``--host``/``--port`` at a
virtual device's 127.0.0.1 ports, printed by ``harken emulate native``).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from harken.cli.output import emit, fail
from harken.cli.pem_files import read_pem
from harken.protocol.softap.security import SECURITY_VALUES, security_label, security_value
from harken.softap.client import DEFAULT_HOST, DEFAULT_TIMEOUT, SoftApClient
from harken.softap.errors import NoReply, Rejected, is_unknown_command
from harken.softap.setup_flow import (
    JOIN_TIMEOUT,
    Enterprise,
    NetworkChoice,
    PasswordSource,
    SetupOutcome,
    SetupRequest,
    configure,
    join_failure_message,
    needs_password,
    resolve_network,
    resolve_password,
    run_setup,
)

EAP_CHOICES = ("peap", "tls")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--host", default=DEFAULT_HOST, help=f"the device's SoftAP address (default {DEFAULT_HOST})"
    )
    common.add_argument(
        "--port", type=int, metavar="N", help="port (default 5609, or 80 with --http)"
    )
    common.add_argument(
        "--http", action="store_true", help="use the HTTP variant instead of TCP 5609"
    )
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help=f"reply timeout per request in seconds (default {DEFAULT_TIMEOUT:.0f}; "
        "scan-ap and configure-ap get at least 30)",
    )
    return common


def _network_options() -> argparse.ArgumentParser:
    network = argparse.ArgumentParser(add_help=False)
    network.add_argument("--ssid", required=True, help="network name (1-32 bytes)")
    network.add_argument(
        "--password",
        help="passphrase ('-' reads it from stdin, keeping it out of ps and shell history); "
        "prompted for when the network needs one and it is omitted",
    )
    network.add_argument(
        "--security",
        type=_security,
        metavar="NAME",
        help="security (default: the network's, from the device's scan): "
        + ", ".join(SECURITY_VALUES)
        + ", or a WICED value such as 0x00400004",
    )
    network.add_argument(
        "--channel", type=int, metavar="N", help="channel (default: from the scan, else 0)"
    )
    network.add_argument("--eap-type", choices=EAP_CHOICES, help="enterprise: peap or tls")
    network.add_argument("--username", help="enterprise PEAP inner identity")
    network.add_argument("--outer-identity", help="enterprise outer identity (optional)")
    network.add_argument("--client-cert", type=Path, metavar="PEM", help="EAP-TLS certificate")
    network.add_argument("--private-key", type=Path, metavar="PEM", help="EAP-TLS private key")
    network.add_argument("--root-ca", type=Path, metavar="PEM", help="enterprise root CA")
    return network


def _security(text: str) -> int:
    try:
        return security_value(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``softap`` and its sub-commands."""
    softap = commands.add_parser("softap", help="set up a Photon/P1 over its SoftAP")
    sub = softap.add_subparsers(dest="softap_command", metavar="COMMAND", required=True)
    common = _common()
    network = _network_options()

    sub.add_parser(
        "info", parents=[common], help="device id, claimed flag, protocol version, public key"
    ).set_defaults(handler=run_info)
    sub.add_parser("scan", parents=[common], help="networks the device sees").set_defaults(
        handler=run_scan
    )
    sub.add_parser(
        "configure", parents=[common, network], help="store Wi-Fi credentials (configure-ap)"
    ).set_defaults(handler=run_configure)
    sub.add_parser(
        "connect", parents=[common], help="join the stored network (connect-ap)"
    ).set_defaults(handler=run_connect)
    claim = sub.add_parser("claim", parents=[common], help="set the claim code (set cc)")
    claim.add_argument("code", metavar="CODE", help="the claim code, or - for stdin")
    claim.set_defaults(handler=run_claim)
    sub.add_parser(
        "status", parents=[common], help="the latest join attempt (harken devices only)"
    ).set_defaults(handler=run_status)
    setup = sub.add_parser(
        "setup",
        parents=[common, network],
        help="the whole set-up: claim, configure, connect, and check the join",
    )
    setup.add_argument("--claim-code", metavar="CODE", help="claim code to store ('-': stdin)")
    setup.add_argument(
        "--join-timeout",
        type=float,
        default=JOIN_TIMEOUT,
        metavar="S",
        help=f"how long to wait for the join outcome (default {JOIN_TIMEOUT:.0f})",
    )
    setup.set_defaults(handler=run_setup_command)


# --- helpers ----------------------------------------------------------------------------------


def _client(args: argparse.Namespace) -> SoftApClient:
    timeout = args.timeout if args.timeout is not None else DEFAULT_TIMEOUT
    return SoftApClient(args.host, args.port, http=args.http, timeout=timeout)


def _stdin_line() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _password_source(args: argparse.Namespace) -> PasswordSource:
    if args.password == "-":
        return _stdin_line()
    if args.password is not None:
        return args.password

    def ask() -> str:
        return getpass.getpass(f"Password for {args.ssid!r}: ")

    return ask


def _enterprise(args: argparse.Namespace) -> Enterprise | None:
    values = (args.eap_type, args.username, args.client_cert, args.private_key, args.root_ca)
    if all(v is None for v in values) and args.outer_identity is None:
        return None
    return Enterprise(
        eap_type=args.eap_type,
        inner_identity=args.username,
        outer_identity=args.outer_identity,
        ca_pem=read_pem(args.root_ca),
        client_cert_pem=read_pem(args.client_cert),
        private_key_pem=read_pem(args.private_key),
    )


def _show_progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def network_payload(choice: NetworkChoice, ssid: str) -> dict[str, Any]:
    return {
        "ssid": ssid,
        "security": choice.security,
        "security_name": security_label(choice.security),
        "channel": choice.channel,
    }


# --- commands ---------------------------------------------------------------------------------


def run_info(args: argparse.Namespace) -> int:
    client = _client(args)
    info = client.device_info()
    version = client.version()
    key = client.public_key()
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fingerprint = hashlib.sha256(spki).hexdigest()
    emit(
        args.json,
        {
            "device_id": info.device_id,
            "claimed": info.claimed,
            "version": version,
            "public_key_bits": key.key_size,
            "public_key_sha256": fingerprint,
        },
        [
            f"Device ID: {info.device_id}",
            f"Claimed: {'yes' if info.claimed else 'no'}",
            f"SoftAP protocol version: {version}",
            f"Public key: RSA-{key.key_size}, SHA-256 {fingerprint}",
        ],
    )
    return 0


def run_scan(args: argparse.Namespace) -> int:
    networks = sorted(_client(args).scan(), key=lambda n: n.rssi, reverse=True)
    width = max([len(n.ssid) for n in networks] + [4])
    lines = [f"{'SSID':<{width}}  {'security':<22} channel  rssi"]
    lines += [
        f"{n.ssid:<{width}}  {n.security_name:<22} {n.channel:>7}  {n.rssi:>4}" for n in networks
    ]
    if not networks:
        lines = ["The device sees no networks."]
    emit(
        args.json,
        {
            "networks": [
                {
                    "ssid": n.ssid,
                    "rssi": n.rssi,
                    "security": n.security,
                    "security_name": n.security_name,
                    "channel": n.channel,
                    "mdr": n.mdr,
                }
                for n in networks
            ]
        },
        lines,
    )
    return 0


def _choose_network(client: SoftApClient, args: argparse.Namespace) -> NetworkChoice:
    if args.security is not None and args.channel is not None:
        return NetworkChoice(args.security, args.channel, None)
    return resolve_network(client.scan(), args.ssid, args.security, args.channel)


def run_configure(args: argparse.Namespace) -> int:
    source = _password_source(args)
    enterprise = _enterprise(args)
    client = _client(args)
    choice = _choose_network(client, args)
    password = resolve_password(source, needs_password(choice.security, enterprise))
    configure(client, args.ssid, choice, password, enterprise)
    payload = {"stored": True, **network_payload(choice, args.ssid)}
    emit(
        args.json,
        payload,
        [
            f"Credentials for {args.ssid!r} stored ({payload['security_name']}, channel "
            f"{choice.channel}). 'harken softap connect' makes the device join it."
        ],
    )
    return 0


def run_connect(args: argparse.Namespace) -> int:
    _client(args).connect()
    emit(
        args.json,
        {"connect_sent": True},
        ["connect-ap sent: the device joins the stored network."],
    )
    return 0


def run_claim(args: argparse.Namespace) -> int:
    code = _stdin_line().strip() if args.code == "-" else args.code
    _client(args).set_claim_code(code)
    emit(args.json, {"claim_code_set": True, "length": len(code)}, ["Claim code set."])
    return 0


def run_status(args: argparse.Namespace) -> int:
    try:
        status = _client(args).connect_status()
    except (NoReply, Rejected) as exc:
        if not is_unknown_command(exc):
            raise
        return fail(
            "this device does not report its join status (no connect-status: stock Device OS?)"
        )
    if status.attempt == 0:
        text = "No join attempt since the device started."
    elif status.state == "failed":
        text = (
            f"Attempt {status.attempt}: {join_failure_message(status.ssid or '?', status.reason)}"
        )
    else:
        text = f"Attempt {status.attempt}: {status.state} ({status.ssid!r})"
    payload = {
        "attempt": status.attempt,
        "state": status.state,
        "ssid": status.ssid,
        "reason": status.reason,
    }
    emit(args.json, payload, [text])
    return 0


def outcome_payload(outcome: SetupOutcome) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "device_id": outcome.device_id,
        "claimed": outcome.claimed,
        "claim_code_set": outcome.claim_code_set,
        "ssid": outcome.ssid,
        "security": outcome.security,
        "security_name": outcome.security_name,
        "channel": outcome.channel,
        "verified": outcome.verified,
        "joined": outcome.joined,
        "reason": outcome.reason,
        "attempt": outcome.attempt,
        "message": outcome.message,
    }


def run_setup_command(args: argparse.Namespace) -> int:
    if args.password == "-" and args.claim_code == "-":
        raise ValueError("only one of --password and --claim-code can be read from stdin")
    source = _password_source(args)
    claim_code = _stdin_line().strip() if args.claim_code == "-" else args.claim_code
    request = SetupRequest(
        ssid=args.ssid,
        password=source,
        security=args.security,
        channel=args.channel,
        claim_code=claim_code,
        enterprise=_enterprise(args),
        join_timeout=args.join_timeout,
    )
    outcome = run_setup(_client(args), request, _show_progress)
    if not outcome.ok:
        emit(args.json, outcome_payload(outcome), [])
        return fail(outcome.message)
    emit(args.json, outcome_payload(outcome), [f"Done: {outcome.message}."])
    return 0
