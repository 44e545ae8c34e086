"""The libFuzzer harnesses (firmware/fuzz, env:fuzz): each one's bounded smoke run finds
nothing, and the chain that reports a finding (sanitizers, the no-heap guard, invariants)
does fire."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "fuzz_harnesses.py"
BUILD_DIR = ROOT / ".pio" / "build-fuzz"
PROGRAM = BUILD_DIR / "fuzz" / "program"
HARNESSES = sorted(
    p.stem.removeprefix("harness_") for p in (ROOT / "firmware" / "fuzz").glob("harness_*.cpp")
)

pytestmark = pytest.mark.skipif(
    shutil.which("clang++") is None,
    reason="clang++ is missing (.ci/setup installs clang and libclang-rt-14-dev)",
)


def runner(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUNNER), "--build-dir", str(BUILD_DIR), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built() -> Path:
    run = runner("--build-only")
    assert run.returncode == 0, run.stdout + run.stderr
    return PROGRAM


def test_every_parser_has_a_harness() -> None:
    assert set(HARNESSES) >= {
        "console", "softap_request", "http_request", "softap_server", "flat_json",
        "softap_commands", "device_key", "ymodem", "check_module", "update_staging",
        "config_store", "bench_lines", "bridge", "test_mode",
    }  # fmt: skip


@pytest.mark.parametrize("harness", HARNESSES)
def test_smoke_run_finds_nothing(built: Path, harness: str, tmp_path: Path) -> None:
    # 20k executions or 10 s, from the vectors' seeds; the slow whole-device harnesses
    # stop at the time limit.
    run = runner("--no-build", "--harness", harness, "--runs", "20000", "--seconds", "10",
                 "--work", str(tmp_path))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    row = next(line for line in run.stdout.splitlines() if line.startswith(harness + " "))
    assert row.endswith(" ok"), row
    assert int(row.split()[1]) > 0, row  # it ran


@pytest.mark.parametrize(
    ("case", "report"),
    [
        ("heap", "the core allocated"),
        ("ub", "runtime error: signed integer overflow"),
        ("oob", "ERROR: AddressSanitizer: heap-buffer-overflow"),
        ("check", "invariant broken"),
    ],
)
def test_a_finding_is_reported(built: Path, case: str, report: str, tmp_path: Path) -> None:
    reproducer = tmp_path / case
    reproducer.write_bytes(case.encode())
    env = dict(os.environ, HARKEN_FUZZ_TARGET="selftest")
    run = subprocess.run([str(built), str(reproducer)], env=env, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert run.returncode != 0
    assert report in run.stderr


def test_a_clean_input_passes(built: Path, tmp_path: Path) -> None:
    reproducer = tmp_path / "fine"
    reproducer.write_bytes(b"fine")
    env = dict(os.environ, HARKEN_FUZZ_TARGET="selftest")
    run = subprocess.run([str(built), str(reproducer)], env=env, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
