"""``harken emulate native|qemu``: run an emulated device until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from harken.cli.output import emit, fail
from harken.emulate.native import NativeDevice
from harken.emulate.qemu import QemuDevice, QemuDeviceError
from harken.emulate.qemu_update import UPDATE_EXIT
from harken.emulate.ready_event import (
    DEFAULT_STATE,
    remove_ready_file,
    write_ready_file,
)
from harken.emulate.wifi_env import NETWORK_SPEC_HELP, WifiNetwork, parse_network_spec
from harken.protocol.platform import PLATFORMS

POLL = 0.2


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``emulate`` and ``emulate native``."""
    emulate = commands.add_parser("emulate", help="run an emulated device")
    sub = emulate.add_subparsers(dest="emulate_command", metavar="TARGET", required=True)
    native = sub.add_parser("native", help="the native virtual device (a host process)")
    native.add_argument(
        "--platform", choices=[p.name for p in PLATFORMS], default="photon", help="platform"
    )
    native.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        metavar="DIR",
        help=f"state folder (default: {DEFAULT_STATE})",
    )
    native.add_argument("--device-id", metavar="HEX", help="24-hex-digit device id to use")
    native.add_argument(
        "--listen-timeout", type=int, metavar="S", help="listen timeout in whole seconds"
    )
    native.add_argument("--product-id", type=int, metavar="N", help="product id to report")
    native.add_argument("--product-version", type=int, metavar="N", help="product version")
    add_network_option(native)
    native.add_argument(
        "--softap-port", type=int, metavar="N", help="SoftAP TCP port on 127.0.0.1 (0: any free)"
    )
    native.add_argument(
        "--http-port", type=int, metavar="N", help="SoftAP HTTP port on 127.0.0.1 (0: any free)"
    )
    native.add_argument("--json", action="store_true", help="print the ready event as JSON")
    native.set_defaults(handler=run_native)
    add_qemu_parser(sub)


def add_qemu_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``emulate qemu``."""
    qemu = sub.add_parser(
        "qemu", help="the Cortex-M3 image under QEMU netduino2 (builds it if needed)"
    )
    qemu.add_argument(
        "--platform", choices=[p.name for p in PLATFORMS], default="photon", help="platform"
    )
    qemu.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        metavar="DIR",
        help=f"state folder (default: {DEFAULT_STATE})",
    )
    qemu.add_argument("--device-id", metavar="HEX", help="24-hex-digit device id to use")
    qemu.add_argument(
        "--softap-port", type=int, metavar="N", help="SoftAP TCP port on 127.0.0.1 (0: any free)"
    )
    qemu.add_argument(
        "--http-port", type=int, metavar="N", help="SoftAP HTTP port on 127.0.0.1 (0: any free)"
    )
    qemu.add_argument(
        "--console-port", type=int, metavar="N", help="console socket:// port (0: any free)"
    )
    add_network_option(qemu)
    qemu.add_argument("--json", action="store_true", help="print the ready event as JSON")
    qemu.set_defaults(handler=run_qemu)


def add_network_option(parser: argparse.ArgumentParser) -> None:
    """``--network SPEC``, repeatable."""
    parser.add_argument(
        "--network",
        dest="networks",
        action="append",
        type=network_argument,
        metavar="SPEC",
        help="a simulated Wi-Fi network (repeat for more; replaces STATE/wifi-env.txt): "
        + NETWORK_SPEC_HELP.replace("%", "%%")
        + ". The password is visible in ps: this is a test network.",
    )


def network_argument(text: str) -> WifiNetwork:
    """``--network SPEC``; errors name the problem without echoing the spec (it may hold a
    password)."""
    try:
        return parse_network_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def test_pads_line(info: dict[str, Any]) -> str:
    """Where a manufacturing station reaches the device (protocol/test-mode.md)."""
    url = info.get("testpads_url")
    also = f", {url}" if url else ""
    return f"test pads (log text; test mode after its preamble): {info.get('testpads')}{also}"


def bench_line(port: int | None, state: Path) -> str:
    where = "" if state == DEFAULT_STATE else f" --state {state}"
    return (
        f"bench (SETUP button, LED) on 127.0.0.1:{port}; e.g. harken button press --hold 3s"
        f"{where}, harken led watch{where}"
    )


def run_native(args: argparse.Namespace) -> int:
    device = NativeDevice(
        args.state,
        args.platform,
        device_id=args.device_id,
        listen_timeout=args.listen_timeout,
        product_id=args.product_id,
        product_version=args.product_version,
        softap_port=args.softap_port,
        http_port=args.http_port,
    )
    if args.networks:
        device.set_wifi_environment(args.networks)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = device.start()
        payload = {**info, "state": str(args.state)}
        lines = [
            f"virtual {info.get('platform', args.platform)} {info.get('device_id')} ready: "
            f"console {info.get('console')} (pty {info.get('pty')}); Ctrl-C to stop"
        ]
        if device.softap_tcp_port is not None:
            lines.append(
                f"SoftAP (while listening) on 127.0.0.1: TCP port {device.softap_tcp_port}, "
                f"HTTP port {device.softap_http_port}; e.g. harken softap info --host 127.0.0.1 "
                f"--port {device.softap_tcp_port}"
            )
        lines.append(bench_line(device.fixture_port, args.state))
        lines.append(test_pads_line(info))
        write_ready_file(args.state, payload)
        emit(args.json, payload, lines)
        while not stop.is_set():
            code = device.wait(POLL)
            if code is not None:
                return fail(f"the virtual device exited on its own (status {code})")
        return 0
    finally:
        remove_ready_file(args.state)
        device.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_qemu(args: argparse.Namespace) -> int:
    device = QemuDevice(
        args.state,
        args.platform,
        device_id=args.device_id,
        softap_port=args.softap_port,
        http_port=args.http_port,
        console_port=args.console_port,
    )
    if args.networks:
        device.set_wifi_environment(args.networks)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = device.start()
        payload = {**info, "state": str(args.state)}
        lines = [
            f"QEMU {info['platform']} {info['device_id']} ready in {info['ready_ms']:.0f} ms: "
            f"console {info['console']} (pty {info['pty']}), serial URL {info['serial_url']}; "
            "Ctrl-C to stop",
            f"event log: {device.log_path}",
        ]
        if device.softap_tcp_port is not None:
            lines.append(
                f"SoftAP (while listening) on 127.0.0.1: TCP port {device.softap_tcp_port}, "
                f"HTTP port {device.softap_http_port}; e.g. harken softap info --host 127.0.0.1 "
                f"--port {device.softap_tcp_port}"
            )
        lines.append(bench_line(device.fixture_port, args.state))
        lines.append(test_pads_line(info))
        write_ready_file(args.state, payload)
        emit(args.json, payload, lines)
        while not stop.is_set():
            code = device.wait(POLL)
            try:  # an update's hand-over ends QEMU too: wait for the bootloader's restart
                updated = device.wait_for_update(
                    device.ready_timeout + POLL if code == UPDATE_EXIT else 0
                )
            except QemuDeviceError as exc:
                return fail(f"{exc} (log: {device.log_path})")
            if updated:
                announce_update(args, device)
            elif code is not None:
                return fail(f"QEMU exited on its own (status {code}; log: {device.log_path})")
        return 0
    finally:
        remove_ready_file(args.state)
        device.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def announce_update(args: argparse.Namespace, device: QemuDevice) -> None:
    """The device is up again after an update: publish its new ready event (pid and pty
    changed) and say what the bootloader did."""
    info = device.info
    payload = {**info, "state": str(args.state)}
    outcome = device.last_update
    what = outcome.log_line.removeprefix("[bootloader] ") if outcome else "update handed over"
    write_ready_file(args.state, payload)
    emit(args.json, payload, [f"{what}; ready again: console {info['console']} ({info['image']})"])
