"""``harken serial …``: the listening-mode console of a device (real, or virtual by URL)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from harken.cli.device_port import console_port
from harken.cli.output import emit
from harken.cli.pem_files import read_pem
from harken.console.client import ConsoleClient
from harken.console.errors import ConsoleTimeout
from harken.console.wifi_dialog import CIPHER_CHOICES, EAP_TYPE_CHOICES, SECURITY_CHOICES
from harken.protocol.console import Identity
from harken.protocol.describe import SystemDescribe
from harken.transport.discovery import enter_listening_mode

PROBE_TIMEOUT = 1.0


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--port",
        metavar="URL",
        help="serial port or pyserial URL (/dev/ttyACM0, a pty, socket://…, rfc2217://…); "
        "default: the one Particle device found on USB",
    )
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument(
        "--timeout", type=float, metavar="S", help="reply timeout in seconds (per step)"
    )
    return common


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``serial`` and its sub-commands."""
    serial = commands.add_parser("serial", help="talk to the listening-mode serial console")
    sub = serial.add_subparsers(dest="serial_command", metavar="COMMAND", required=True)
    common = _common()

    identify = sub.add_parser("identify", parents=[common], help="device id (i) and version (v)")
    identify.add_argument(
        "--show-secret", action="store_true", help="print the device secret if the device has one"
    )
    identify.set_defaults(handler=run_identify)
    sub.add_parser("mac", parents=[common], help="MAC address (m)").set_defaults(handler=run_mac)
    sub.add_parser("version", parents=[common], help="system firmware version (v)").set_defaults(
        handler=run_version
    )
    sub.add_parser("inspect", parents=[common], help="platform and modules (s)").set_defaults(
        handler=run_inspect
    )
    claim = sub.add_parser("claim", parents=[common], help="set the claim code (C)")
    claim.add_argument("code", metavar="CODE", help="the 63-character claim code, or - for stdin")
    claim.set_defaults(handler=run_claim)
    sub.add_parser("claimed", parents=[common], help="is the device claimed? (c)").set_defaults(
        handler=run_claimed
    )
    wifi = sub.add_parser("wifi", parents=[common], help="store Wi-Fi credentials (w)")
    wifi.add_argument("--ssid", required=True, help="network name (1-32 bytes)")
    wifi.add_argument(
        "--security",
        choices=SECURITY_CHOICES,
        help="answer if the device asks (it does when it cannot see the network)",
    )
    wifi.add_argument("--cipher", choices=CIPHER_CHOICES, help="answer if the device asks")
    wifi.add_argument(
        "--password",
        help="passphrase ('-' reads it from stdin, keeping it out of ps and shell history); "
        "prompted for when needed if omitted",
    )
    wifi.add_argument("--eap-type", choices=EAP_TYPE_CHOICES, help="enterprise: peap or tls")
    wifi.add_argument("--username", help="enterprise PEAP inner identity")
    wifi.add_argument("--outer-identity", help="enterprise outer identity (optional)")
    wifi.add_argument("--client-cert", type=Path, metavar="PEM", help="EAP-TLS certificate file")
    wifi.add_argument("--private-key", type=Path, metavar="PEM", help="EAP-TLS private key file")
    wifi.add_argument("--root-ca", type=Path, metavar="PEM", help="enterprise root CA (optional)")
    wifi.set_defaults(handler=run_wifi)
    listen = sub.add_parser("listen", parents=[common], help="enter listening mode (28800 baud)")
    listen.set_defaults(handler=run_listen)
    sub.add_parser("exit", parents=[common], help="leave listening mode (x)").set_defaults(
        handler=run_exit
    )
    sub.add_parser("diagnostics", parents=[common], help="diagnostics JSON (d)").set_defaults(
        handler=run_diagnostics
    )


# --- connection -------------------------------------------------------------------------------


def _port_url(args: argparse.Namespace) -> tuple[str, bool]:
    url, found = console_port(args.port)
    return url, found is not None or not args.port


def _connect(args: argparse.Namespace) -> ConsoleClient:
    """Open the console; for a discovered device that does not answer, enter listening mode
    first with the 28800-baud trick."""
    url, discovered = _port_url(args)
    client = ConsoleClient.open(url)
    if discovered:
        try:
            try:
                client.version(timeout=PROBE_TIMEOUT)
            except ConsoleTimeout:
                client.listen()
        except BaseException:
            client.close()
            raise
    return client


def _timeout(args: argparse.Namespace, default: float) -> float:
    return args.timeout if args.timeout is not None else default


def _with_client(args: argparse.Namespace, action: Callable[[ConsoleClient], int]) -> int:
    with _connect(args) as client:
        return action(client)


# --- commands ---------------------------------------------------------------------------------


def identity_payload(identity: Identity, version: str | None, show_secret: bool) -> dict:
    """JSON form of an identify result; the device secret only on request."""
    payload: dict = {"device_id": identity.device_id, "form": identity.form}
    for name in ("imei", "iccid", "serial_number", "cell_radio_version"):
        value = getattr(identity, name)
        if value is not None:
            payload[name] = value
    if identity.device_secret is not None:
        payload["device_secret_present"] = True
        if show_secret:
            payload["device_secret"] = identity.device_secret
    if identity.extra:
        payload["extra"] = identity.extra
    if version is not None:
        payload["system_version"] = version
    return payload


def run_identify(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        identity = client.identify(timeout=_timeout(args, 20.0))
        try:
            version: str | None = client.version(timeout=_timeout(args, 5.0)).version
        except ConsoleTimeout:
            version = None
        payload = identity_payload(identity, version, args.show_secret)
        lines = [f"Your device id is {identity.device_id}"]
        labels = (
            ("imei", "IMEI"),
            ("iccid", "ICCID"),
            ("cell_radio_version", "cell radio version"),
            ("serial_number", "serial number"),
        )
        lines += [f"Your {label} is {payload[key]}" for key, label in labels if key in payload]
        if identity.device_secret is not None:
            secret = identity.device_secret if args.show_secret else "(hidden; --show-secret)"
            lines.append(f"Your device secret is {secret}")
        lines += [f"{label}: {value}" for label, value in identity.extra.items()]
        if version is not None:
            lines.append(f"Your system firmware version is {version}")
        emit(args.json, payload, lines)
        return 0

    return _with_client(args, action)


def run_mac(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        mac = client.mac(timeout=_timeout(args, 5.0))
        emit(args.json, {"mac": mac}, [f"Your device MAC address is {mac}"])
        return 0

    return _with_client(args, action)


def run_version(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        version = client.version(timeout=_timeout(args, 5.0))
        text = version.version + (" (minimal)" if version.minimal else "")
        emit(
            args.json,
            {"version": version.version, "minimal": version.minimal},
            [f"Your system firmware version is {text}"],
        )
        return 0

    return _with_client(args, action)


def describe_payload(describe: SystemDescribe) -> dict:
    """JSON form of an ``s`` result."""
    return {
        "platform_id": describe.platform_id,
        "platform": describe.platform_name,
        "properties": describe.properties,
        "modules": [
            {
                "function": m.function,
                "function_name": m.function_name,
                "index": m.index,
                "version": m.version,
                "store": m.store,
                "store_name": m.store_name,
                "max_size": m.max_size,
                "validity_checked": m.validity_checked,
                "validity_passed": m.validity_passed,
                "valid": m.valid,
                "checks": m.check_results(),
                "sha256": m.sha256,
                "dependencies": [
                    {
                        "function": d.function,
                        "function_name": d.function_name,
                        "index": d.index,
                        "version": d.version,
                    }
                    for d in m.dependencies
                ],
            }
            for m in describe.modules
        ],
    }


def describe_lines(describe: SystemDescribe) -> list[str]:
    """Readable form of an ``s`` result."""
    lines = [f"Platform: {describe.platform_id} - {describe.platform_name or 'unknown'}"]
    lines += [f"{key}: {value}" for key, value in describe.properties.items()]
    lines.append("Modules")
    for m in describe.modules:
        lines.append(
            f"  {m.function_name} module #{m.index} - version {m.version}, "
            f"{m.store_name} location, {m.max_size} bytes max size"
        )
        checks = "  ".join(
            f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in m.check_results().items()
        )
        if checks:
            lines.append(f"    {checks}")
        if m.sha256:
            lines.append(f"    SHA-256: {m.sha256}")
        for d in m.dependencies:
            lines.append(
                f"    depends on {d.function_name} module #{d.index} - version {d.version}"
            )
    return lines


def run_inspect(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        describe = client.inspect(timeout=_timeout(args, 20.0))
        emit(args.json, describe_payload(describe), describe_lines(describe))
        return 0

    return _with_client(args, action)


def run_claim(args: argparse.Namespace) -> int:
    code = sys.stdin.readline().strip() if args.code == "-" else args.code

    def action(client: ConsoleClient) -> int:
        client.set_claim_code(code, timeout=_timeout(args, 5.0))
        emit(
            args.json,
            {"claim_code_set": True, "length": len(code)},
            ["Claim code set."],
        )
        return 0

    return _with_client(args, action)


def run_claimed(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        claimed = client.claimed(timeout=_timeout(args, 5.0))
        emit(args.json, {"claimed": claimed}, [f"Device claimed: {'yes' if claimed else 'no'}"])
        return 0

    return _with_client(args, action)


def run_wifi(args: argparse.Namespace) -> int:
    password = args.password
    if password == "-":
        password = sys.stdin.readline().rstrip("\r\n")
    if password is None:

        def password() -> str:
            return getpass.getpass("Wi-Fi password: ")

    client_cert = read_pem(args.client_cert)
    private_key = read_pem(args.private_key)
    root_ca = read_pem(args.root_ca)

    def action(client: ConsoleClient) -> int:
        result = client.configure_wifi(
            args.ssid,
            security=args.security,
            cipher=args.cipher,
            password=password,
            eap_type=args.eap_type,
            username=args.username,
            outer_identity=args.outer_identity,
            client_cert_pem=client_cert,
            private_key_pem=private_key,
            root_ca_pem=root_ca,
            prompt_timeout=_timeout(args, 5.0),
            step_timeout=max(_timeout(args, 60.0), 5.0),
        )
        emit(
            args.json,
            {"saved": True, "ssid": args.ssid, "prompts": list(result.prompts)},
            [
                f"Done! The device saved the credentials for {args.ssid!r}; "
                "it leaves listening mode and joins the network."
            ],
        )
        return 0

    return _with_client(args, action)


def run_listen(args: argparse.Namespace) -> int:
    url, _ = _port_url(args)
    enter_listening_mode(url)
    emit(
        args.json,
        {"listening": True, "port": url},
        [f"The device on {url} should now be in listening mode (blinking blue)."],
    )
    return 0


def run_exit(args: argparse.Namespace) -> int:
    url, _ = _port_url(args)
    with ConsoleClient.open(url) as client:
        client.exit_listening()
    emit(
        args.json,
        {"exit_sent": True, "port": url},
        ["Sent 'x': the device leaves listening mode."],
    )
    return 0


def run_diagnostics(args: argparse.Namespace) -> int:
    def action(client: ConsoleClient) -> int:
        data = client.diagnostics(timeout=_timeout(args, 10.0))
        emit(args.json, data, [f"{key}: {value}" for key, value in data.items()])
        return 0

    return _with_client(args, action)
