"""Stand-in for the native virtual device program, following its command-line contract.

Used to test NativeDevice and ``harken emulate native`` without the firmware. Its console is
the scripted test double. Behaviour switches (environment): FAKE_NATIVE_FAIL=1 exits before
ready, FAKE_NATIVE_IGNORE_TERM=1 ignores SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

from scripted_console import ConsoleScript, ScriptedConsole


def identity(state: Path, platform: str) -> dict[str, str]:
    path = state / "identity.txt"
    if not path.exists():
        lines = [f"device_id={secrets.token_hex(12)}", "mac=6c:0b:84:00:00:01"]
        if platform == "electron":
            lines += ["imei=352753090034567", "iccid=89340765000025876571"]
        path.write_text("\n".join(lines) + "\n")
    values = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value
    return values


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--platform", required=True, choices=("photon", "p1", "electron"))
    parser.add_argument("--state", required=True, type=Path)
    parser.add_argument("--listen-timeout")
    parser.add_argument("--product-id")
    parser.add_argument("--product-version")
    parser.add_argument("--power-cut-at")
    args = parser.parse_args()
    print("fake native device starting", file=sys.stderr, flush=True)
    if os.environ.get("FAKE_NATIVE_FAIL"):
        print("fake failure", file=sys.stderr, flush=True)
        return 3
    args.state.mkdir(parents=True, exist_ok=True)
    (args.state / "argv.json").write_text(json.dumps(sys.argv[1:]))
    ids = identity(args.state, args.platform)
    store = args.state / "dct.bin"
    if not store.exists():
        store.write_bytes(b"\xff" * 32768)

    stop = threading.Event()
    if os.environ.get("FAKE_NATIVE_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    script = ConsoleScript(identify=f"Your device id is {ids['device_id']}\r\n".encode())
    with ScriptedConsole(script) as console:
        link = args.state / "console"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(console.path)
        ready = {
            "event": "ready",
            "console": str(link),
            "pty": console.path,
            "platform": args.platform,
            "device_id": ids["device_id"],
            "pid": os.getpid(),
        }
        print(json.dumps(ready), flush=True)
        while not stop.wait(0.1):
            pass
    print("fake native device stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
