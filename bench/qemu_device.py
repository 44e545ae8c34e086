"""The Cortex-M3 image under QEMU netduino2: boot to console, SoftAP through the USART2
bridge, the RSA-1024 decrypt in guest instructions, and the size of every ARM image.

    .venv/bin/python bench/qemu_device.py [--rounds N]

* boot: QemuDevice start to the firmware's fixture HELLO, and to the first `i` reply, with a
  stored configuration; and a first boot, which generates the RSA key on the M3.
* SoftAP: per-command latency through the host relay, the bridge frames and the guest's
  server (TCP and HTTP), and the whole set-up with a verified join (the simulated network
  answers after 200 ms).
* RSA decrypt: a TCG plugin (bench/qemu_insn_plugin.c, built on first use against
  qemu-plugin.h from Debian's qemu source package, deb-src enabled) counts every guest
  instruction. Two runs on the spec's test key send the same number of configure-ap
  requests, refused for the passphrase's length: with a 1-character passphrase (no RSA), and
  with a well-padded ciphertext. The difference per request is the decrypt on the M3 (key
  load, DRBG seeding, blinded private operation), give or take the SysTick ticks the two
  runs idle through.
* sizes: flash and static RAM of every ARM image.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harken.console.client import ConsoleClient
from harken.emulate.qemu import QemuDevice, build_qemu_image, image_path
from harken.emulate.wifi_env import WifiNetwork
from harken.softap.client import SoftApClient
from harken.softap.setup_flow import SetupRequest, run_setup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the spec's test key and the DCT preload
from softap_vectors import TEST_PRIVATE_KEY_DER_HEX, vector_private_key  # noqa: E402
from softap_wire import preload_device_key  # noqa: E402

PLUGIN_DIR = ROOT / ".deps" / "qemu-plugin"
PLUGIN = PLUGIN_DIR / "libharken_insn.so"
PASSWORD = "correct horse battery"
NETWORKS = [WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-45, password=PASSWORD)]
ARM_ENVS = ("qemu", "qemu_p1", "qemu_electron", "photon", "p1", "electron")
FLASH = (".isr_vector", ".modinfo", ".text", ".ARM.exidx", ".init_array", ".data")
RAM = (".data", ".bss", ".noinit")


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"  {label:36s} p50 {statistics.median(ordered) * 1000:8.2f} ms   "
        f"p99 {p99 * 1000:8.2f} ms   (n={len(ordered)})"
    )


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def bench_boot(image: Path, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        first: list[float] = []
        ready: list[float] = []
        console: list[float] = []
        for i in range(rounds):
            if i < 3:  # a fresh DCT: the M3 generates its RSA key
                (state / "dct.bin").unlink(missing_ok=True)
            start = time.perf_counter()
            with QemuDevice(state, "photon", image=image) as device:
                up = time.perf_counter() - start
                with ConsoleClient.open(device.console) as client:
                    client.identify()
                answered = time.perf_counter() - start
            if i < 3:
                first.append(answered)
            else:
                ready.append(up)
                console.append(answered)
        print(line("first boot (RSA keygen) to `i` reply", first))
        print(line("start to ready (fixture HELLO)", ready))
        print(line("start to first `i` reply", console))


def bench_softap(image: Path, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, QemuDevice(Path(tmp), "photon", image=image) as dev:
        dev.set_wifi_environment(NETWORKS)
        for http in (False, True):
            port = dev.softap_http_port if http else dev.softap_tcp_port
            client = SoftApClient("127.0.0.1", port, http=http)
            name = "HTTP" if http else "TCP "
            print(line(f"{name} version", timed(client.version, rounds)))
            print(line(f"{name} device-id", timed(client.device_info, rounds)))
            print(
                line(
                    f"{name} public-key", timed(lambda c=client: c.public_key(refresh=True), rounds)
                )
            )
            print(line(f"{name} scan-ap", timed(client.scan, rounds)))
    setups = []
    for _ in range(max(3, rounds // 10)):
        with (
            tempfile.TemporaryDirectory() as tmp,
            QemuDevice(Path(tmp), "photon", image=image) as dev,
        ):
            dev.set_wifi_environment(NETWORKS)
            client = SoftApClient("127.0.0.1", dev.softap_tcp_port)
            start = time.perf_counter()
            outcome = run_setup(
                client,
                SetupRequest("HomeNet", password=PASSWORD, claim_code="c" * 63, poll_interval=0.02),
            )
            setups.append(time.perf_counter() - start)
            assert outcome.joined, outcome.message
    print(line("whole set-up, verified join (TCP)", setups))


def build_plugin() -> Path | None:
    if PLUGIN.is_file():
        return PLUGIN
    PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
    header = PLUGIN_DIR / "qemu-plugin.h"
    try:
        if not header.is_file():
            subprocess.run(
                ["apt-get", "source", "--download-only", "-qq", "qemu"],
                cwd=PLUGIN_DIR,
                check=True,
                capture_output=True,
            )
            tarball = next(PLUGIN_DIR.glob("qemu_*.orig.tar.xz"))
            subprocess.run(
                [
                    "tar",
                    "xJf",
                    tarball.name,
                    "--no-same-owner",
                    "--wildcards",
                    "--strip-components=3",
                    "*/include/qemu/qemu-plugin.h",
                ],
                cwd=PLUGIN_DIR,
                check=True,
            )
        subprocess.run(
            [
                "gcc",
                "-O2",
                "-shared",
                "-fPIC",
                "-Wall",
                "-I",
                str(PLUGIN_DIR),
                "-o",
                str(PLUGIN),
                str(ROOT / "bench" / "qemu_insn_plugin.c"),
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, StopIteration, OSError) as exc:
        print(f"  no instruction counts: cannot build the TCG plugin ({exc})")
        return None
    return PLUGIN


def instructions(image: Path, pwd: str, requests: int) -> int:
    """Guest instructions of one run: boot on the test key, then `requests` configure-ap."""
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        preload_device_key(state, bytes.fromhex(TEST_PRIVATE_KEY_DER_HEX))
        device = QemuDevice(
            state,
            "photon",
            image=image,
            seed="01" * 16,
            extra_args=["-plugin", str(PLUGIN), "-d", "plugin"],
        )
        with device:
            device.set_wifi_environment(NETWORKS)
            client = SoftApClient("127.0.0.1", device.softap_tcp_port)
            body = json.dumps({"idx": 0, "ssid": "HomeNet", "sec": 4194310, "pwd": pwd})
            for _ in range(requests):
                reply = json.loads(client.request("configure-ap", body.encode()))
                assert reply["r"] == -4, reply
        found = re.findall(r"harken-insn: (\d+)", device.log_path.read_text())
        if not found:
            raise RuntimeError("the plugin printed no count")
        return int(found[-1])


def bench_decrypt(image: Path, requests: int) -> None:
    if build_plugin() is None:
        return
    numbers = vector_private_key().private_numbers()
    n, e = numbers.public_numbers.n, numbers.public_numbers.e
    block = b"\x00\x02" + b"\x11" * 50 + b"\x00" + b"a" * 75  # a 75-byte passphrase: refused
    good = f"{pow(int.from_bytes(block, 'big'), e, n):0256x}"
    plain = instructions(image, "x", requests)
    rsa = instructions(image, good, requests)
    per = (rsa - plain) / requests
    print(f"  guest instructions, {requests} configure-ap  no RSA {plain:,}   RSA {rsa:,}")
    print(
        f"  RSA-1024 decrypt on the Cortex-M3      ~{per:,.0f} instructions "
        f"(~{per / 120e3:.1f} ms at 120 MHz and 1 instruction per cycle)"
    )


def image_sizes() -> None:
    pio = Path(sys.executable).with_name("pio")
    subprocess.run(
        [str(pio), "run", *(a for env in ARM_ENVS for a in ("-e", env))],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for env in ARM_ENVS:
        elf = ROOT / ".pio" / "build" / env / "firmware.elf"
        out = subprocess.run(
            ["arm-none-eabi-size", "-A", "-d", str(elf)], check=True, capture_output=True, text=True
        ).stdout
        sizes = {
            p[0]: int(p[1])
            for p in (row.split() for row in out.splitlines())
            if len(p) >= 2 and p[1].isdigit()
        }
        print(
            f"  {env:14s} flash {sum(sizes.get(s, 0) for s in FLASH):7d} bytes   "
            f"RAM {sum(sizes.get(s, 0) for s in RAM):6d} bytes (static; no heap)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    image = image_path("photon")
    if not image.is_file():
        build_qemu_image("photon")
    print("QEMU netduino2, harken's photon image:")
    bench_boot(image, max(8, args.rounds // 5))
    print("SoftAP through the USART2 bridge:")
    bench_softap(image, args.rounds)
    print("RSA-1024 passphrase decryption on the Cortex-M3 (guest instructions):")
    bench_decrypt(image, 10)
    print("firmware images:")
    image_sizes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
