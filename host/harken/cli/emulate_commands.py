"""``harken emulate native``: run a virtual device until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from harken.cli.output import emit, fail
from harken.emulate.native import NativeDevice
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
    native.add_argument("--state", type=Path, required=True, metavar="DIR", help="state folder")
    native.add_argument("--device-id", metavar="HEX", help="24-hex-digit device id to use")
    native.add_argument(
        "--listen-timeout", type=int, metavar="S", help="listen timeout in whole seconds"
    )
    native.add_argument("--product-id", type=int, metavar="N", help="product id to report")
    native.add_argument("--product-version", type=int, metavar="N", help="product version")
    native.add_argument("--json", action="store_true", help="print the ready event as JSON")
    native.set_defaults(handler=run_native)


def run_native(args: argparse.Namespace) -> int:
    device = NativeDevice(
        args.state,
        args.platform,
        device_id=args.device_id,
        listen_timeout=args.listen_timeout,
        product_id=args.product_id,
        product_version=args.product_version,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = device.start()
        payload = {**info, "state": str(args.state)}
        emit(
            args.json,
            payload,
            [
                f"virtual {info.get('platform', args.platform)} {info.get('device_id')} ready: "
                f"console {info.get('console')} (pty {info.get('pty')}); Ctrl-C to stop"
            ],
        )
        while not stop.is_set():
            code = device.wait(POLL)
            if code is not None:
                return fail(f"the virtual device exited on its own (status {code})")
        return 0
    finally:
        device.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
