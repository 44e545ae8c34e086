"""SoftAP setup on the native virtual device: whole set-up wall time, per-command latency,
the device's RSA decrypt time, and harken's client against Particle's @particle/softap-setup
on the same device.

    .venv/bin/python bench/softap_setup.py [--rounds N]

* set-up: `run_setup` from device-id to the verified join (a fresh device per run; the
  simulated network answers a join after 200 ms, which is part of the figure).
* per command: one connection per command, as both clients work; p50/p99 over N rounds.
* RSA decrypt: configure-ap replies for a well-padded ciphertext whose passphrase is refused
  for its length, minus those for a 1-character passphrase (refused without decrypting):
  the device's RSA-1024 decryption (key load, DRBG seeding, blinded private operation;
  both requests scan for the network). Badly padded ciphertexts whose synthetic passphrase
  is refused the same way are timed too: if their median differed, timing would leak what
  the identical replies hide (protocol/softap.md §7).
* harken vs Particle: the same command sequence through each client, wall time per command
  (Node start-up excluded: the driver times each step itself).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harken.emulate.native import NativeDevice, build_native
from harken.emulate.wifi_env import WifiNetwork
from harken.protocol.softap.implicit_rejection import rejection_key, synthetic_message
from harken.softap.client import SoftApClient
from harken.softap.setup_flow import SetupRequest, run_setup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test key and the DCT preload live with the tests
from softap_vectors import TEST_PRIVATE_KEY_DER_HEX, vector_private_key  # noqa: E402
from softap_wire import preload_device_key  # noqa: E402

DRIVER = ROOT / "tests" / "peers" / "softap-setup" / "driver.js"
PASSWORD = "correct horse battery"
NETWORKS = [
    WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD),
    WifiNetwork("CafeFree", 0x00000000, channel=11, rssi=-63),
]
WPA2 = 0x00400006


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def line(label: str, samples: list[float]) -> str:
    p50, p99 = ms(samples)
    return f"  {label:34s} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms   (n={len(samples)})"


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def device_for(state: Path) -> NativeDevice:
    device = NativeDevice(state, "photon", build=False)
    device.set_wifi_environment(NETWORKS)
    return device  # started by `with`


def bench_setup(rounds: int) -> None:
    samples = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as state, device_for(Path(state)) as device:
            client = SoftApClient("127.0.0.1", device.softap_tcp_port)
            request = SetupRequest(
                "HomeNet", password=PASSWORD, claim_code="c" * 63, poll_interval=0.02
            )
            start = time.perf_counter()
            outcome = run_setup(client, request)
            samples.append(time.perf_counter() - start)
            assert outcome.joined, outcome.message
    print(line("whole set-up, verified join (TCP)", samples))


def bench_commands(device: NativeDevice, rounds: int) -> None:
    for http in (False, True):
        port = device.softap_http_port if http else device.softap_tcp_port
        client = SoftApClient("127.0.0.1", port, http=http)
        name = "HTTP" if http else "TCP "
        for label, action in (
            ("version", client.version),
            ("device-id", client.device_info),
            ("public-key", lambda c=client: c.public_key(refresh=True)),
            ("scan-ap", client.scan),
            ("connect-status", client.connect_status),
            ("set (claim code)", lambda c=client: c.set_claim_code("c" * 63)),
            (
                "configure-ap (open)",
                lambda c=client: c.configure("CafeFree", security=0, channel=11),
            ),
        ):
            print(line(f"{name} {label}", timed(action, rounds)))


def bench_decrypt(rounds: int) -> None:
    """On a device holding the spec's test key, so that the host knows which ciphertexts
    decrypt (or are implicitly rejected) to a passphrase that is refused for its length."""
    numbers = vector_private_key().private_numbers()
    n, e = numbers.public_numbers.n, numbers.public_numbers.e
    key = rejection_key(bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
    good = pow(int.from_bytes(b"\x00\x02" + b"\x11" * 50 + b"\x00" + b"a" * 75, "big"), e, n)
    rng = random.Random(1)
    bad: list[str] = []  # badly padded, synthetic passphrase over 64 bytes
    while len(bad) < rounds:
        value = rng.randrange(n).to_bytes(128, "big")
        if len(synthetic_message(key, value).split(b"\0")[0]) > 64:
            bad.append(value.hex())
    with tempfile.TemporaryDirectory() as state:
        preload_device_key(Path(state), bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
        samples: dict[str, list[float]] = {"plain": [], "bad": [], "good": []}
        # A device decrypts at most 64 badly padded ciphertexts per boot: restart per batch.
        for batch in range(0, rounds, 50):
            with device_for(Path(state)) as device:
                client = SoftApClient("127.0.0.1", device.softap_tcp_port)

                def configure(pwd: str, c: SoftApClient = client) -> None:
                    body = json.dumps({"idx": 0, "ssid": "HomeNet", "sec": WPA2, "pwd": pwd})
                    reply = c.request("configure-ap", body.encode())
                    assert json.loads(reply)["r"] == -4, reply

                size = min(50, rounds - batch)
                samples["plain"] += timed(lambda: configure("x"), size)
                samples["good"] += timed(lambda: configure(f"{good:0256x}"), size)
                batch_bad = iter(bad[batch : batch + size])
                samples["bad"] += timed(lambda it=batch_bad: configure(next(it)), size)
    print(line("configure-ap, 1-char pwd (no RSA)", samples["plain"]))
    print(line("configure-ap, good padding, refused", samples["good"]))
    print(line("configure-ap, bad padding, refused", samples["bad"]))
    rsa = statistics.median(samples["good"]) - statistics.median(samples["plain"])
    gap = statistics.median(samples["bad"]) - statistics.median(samples["good"])
    print(f"  RSA-1024 decrypt on the device       ~{rsa * 1000:.3f} ms (difference of medians)")
    print(f"  bad vs good padding                  {gap * 1000:+.3f} ms (difference of medians)")


def particle_steps(rounds: int) -> list[object]:
    return [
        {"step": "deviceInfo", "repeat": rounds},
        {"step": "publicKey", "repeat": rounds},
        {"step": "scan", "repeat": rounds},
        {"step": "setClaimCode", "code": "c" * 63, "repeat": rounds},
        {
            "step": "configure",
            "ssid": "CafeFree",
            "security": "open",
            "channel": 11,
            "repeat": rounds,
        },
    ]


def bench_against_particle(device: NativeDevice, rounds: int) -> None:
    node = shutil.which("node")
    if node is None or not (DRIVER.parent / "node_modules").is_dir():
        print("  @particle/softap-setup not installed (tests/peers/softap-setup/install.sh)")
        return
    for protocol in ("tcp", "http"):
        port = device.softap_http_port if protocol == "http" else device.softap_tcp_port
        result = subprocess.run(
            [
                node,
                str(DRIVER),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--protocol",
                protocol,
                json.dumps(particle_steps(rounds)),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        particle: dict[str, list[float]] = {}
        for row in map(json.loads, result.stdout.splitlines()):
            if not row["ok"]:
                raise SystemExit(f"@particle/softap-setup failed: {row}")
            particle.setdefault(row["step"], []).append(row["ms"] / 1000)
        client = SoftApClient("127.0.0.1", port, http=protocol == "http")
        ours = {
            "deviceInfo": timed(client.device_info, rounds),
            "publicKey": timed(lambda c=client: c.public_key(refresh=True), rounds),
            "scan": timed(client.scan, rounds),
            "setClaimCode": timed(lambda c=client: c.set_claim_code("c" * 63), rounds),
            "configure": timed(
                lambda c=client: c.configure("CafeFree", security=0, channel=11), rounds
            ),
        }
        total_ours = total_particle = 0.0
        for step, samples in ours.items():
            a, b = statistics.median(samples), statistics.median(particle[step])
            total_ours += a
            total_particle += b
            print(
                f"  {protocol.upper():4s} {step:13s} harken p50 {a * 1000:7.3f} ms   "
                f"particle p50 {b * 1000:7.3f} ms   particle/harken {b / a:5.2f}x"
            )
        print(
            f"  {protocol.upper():4s} {'sequence':13s} harken     {total_ours * 1000:7.3f} ms   "
            f"particle     {total_particle * 1000:7.3f} ms   particle/harken "
            f"{total_particle / total_ours:5.2f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    build_native()
    print("SoftAP on the native virtual device (photon, 127.0.0.1):")
    bench_setup(max(5, args.rounds // 20))
    with tempfile.TemporaryDirectory() as state, device_for(Path(state)) as device:
        bench_commands(device, args.rounds)
        print("harken.softap vs @particle/softap-setup 4.1.2, same device, same commands:")
        bench_against_particle(device, max(20, args.rounds // 4))
    print("RSA-1024 passphrase decryption (device side, test key):")
    bench_decrypt(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
