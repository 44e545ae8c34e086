"""Builds the libFuzzer harnesses (env:fuzz) and runs each one, bounded by runs or time.

    .venv/bin/python bench/fuzz_harnesses.py --runs 20000 --seconds 10      # CI smoke
    .venv/bin/python bench/fuzz_harnesses.py --runs 1000000 --seconds 600   # long run
    .venv/bin/python bench/fuzz_harnesses.py --harness ymodem --seconds 60

Each harness starts from the seeds firmware/fuzz/make_seeds.py extracts from protocol/'s
golden vectors plus the corpus it kept from earlier runs (.pio/fuzz/corpus/<harness>), with
its protocol's dictionary (firmware/fuzz/dict). Prints per harness: executions, execs/s,
edge coverage (cov), features (ft) and corpus size. Exit status 1 when any harness crashed,
hung, leaked or a sanitizer or invariant fired; the input is kept in
.pio/fuzz/artifacts/<harness>/ and the output tail is printed. Reproduce one with
`.pio/build-fuzz/fuzz/fuzz_<harness> <file>`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ_SRC = ROOT / "firmware" / "fuzz"
sys.path.insert(0, str(FUZZ_SRC))
import make_seeds  # noqa: E402

PIO = Path(sys.executable).with_name("pio")
DEFAULT_BUILD_DIR = ROOT / ".pio" / "build-fuzz"  # never the default build folder
WORK = ROOT / ".pio" / "fuzz"
DICTS = {
    "softap_request": "softap", "http_request": "softap", "flat_json": "softap",
    "softap_commands": "softap", "softap_server": "softap", "console": "console",
    "ymodem": "ymodem", "check_module": "update", "update_staging": "update",
    "bench_lines": "bench", "bridge": "bridge", "config_store": "config_store",
    "device_key": "device_key", "test_mode": "test_mode",
}  # fmt: skip
# Any of these in the output is a finding, whatever the exit status says.
FINDING = re.compile(
    r"ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)"
    r"|runtime error:|harken fuzz:|SUMMARY: "
)
DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\d+)(b|Kb|Mb)")
STAT = re.compile(r"stat::(\w+):\s+(\d+)")


@dataclass
class Result:
    harness: str
    ok: bool
    runs: int = 0
    execs_per_s: int = 0
    cov: int = 0
    ft: int = 0
    corpus_units: int = 0
    corpus_bytes: int = 0
    seconds: float = 0.0
    peak_rss_mb: int = 0
    detail: str = ""


def harnesses() -> list[str]:
    return sorted(p.stem.removeprefix("harness_") for p in FUZZ_SRC.glob("harness_*.cpp"))


def build(build_dir: Path) -> None:
    env = dict(os.environ, PLATFORMIO_BUILD_DIR=str(build_dir))
    run = subprocess.run([str(PIO), "run", "-e", "fuzz"], cwd=ROOT, env=env,
                         capture_output=True, text=True)  # fmt: skip
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-4000:] + run.stderr[-4000:])
        raise SystemExit("fuzz build failed")


def corpus_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.iterdir() if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def fuzz_one(name: str, program: Path, runs: int, seconds: int, work: Path) -> Result:
    corpus = work / "corpus" / name
    seeds = work / "seeds" / name
    artifacts = work / "artifacts" / name
    for folder in (corpus, artifacts):
        folder.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(program), f"-runs={runs}", f"-max_total_time={seconds}", "-timeout=30",
        "-print_final_stats=1", "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}/",
        f"-dict={FUZZ_SRC / 'dict' / (DICTS.get(name, name) + '.dict')}",
        str(corpus), str(seeds),
    ]  # fmt: skip
    start = time.monotonic()
    # Hang guard: libFuzzer stops itself at max_total_time, plus a minute for set-up.
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                          timeout=seconds + 120)  # fmt: skip
    elapsed = time.monotonic() - start
    out = proc.stderr + proc.stdout
    result = Result(name, ok=proc.returncode == 0 and not FINDING.search(out), seconds=elapsed)
    stats = dict((k, int(v)) for k, v in STAT.findall(out))
    result.runs = stats.get("number_of_executed_units", 0)
    result.execs_per_s = stats.get("average_exec_per_sec", 0)
    result.peak_rss_mb = stats.get("peak_rss_mb", 0)
    done = DONE.findall(out)
    if done:
        result.cov, result.ft = int(done[-1][1]), int(done[-1][2])
    result.corpus_units, result.corpus_bytes = corpus_size(corpus)
    if not result.ok:
        lines = [ln for ln in out.splitlines() if not ln.startswith(("#", "INFO:"))]
        result.detail = "\n".join(lines[-40:])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20000, help="executions per harness")
    parser.add_argument("--seconds", type=int, default=10, help="time limit per harness")
    parser.add_argument("--harness", action="append", help="only these (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="harnesses run side by side")  # fmt: skip
    parser.add_argument("--work", type=Path, default=WORK,
                        help="seeds, corpora and artifacts (default .pio/fuzz)")  # fmt: skip
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    if not shutil.which("clang++"):
        raise SystemExit("clang++ is missing: run .ci/setup")
    names = args.harness or harnesses()
    unknown = set(names) - set(harnesses())
    if unknown:
        raise SystemExit(f"no such harness: {', '.join(sorted(unknown))}")
    if not args.no_build:
        build(args.build_dir)
    if args.build_only:
        return 0
    shutil.rmtree(args.work / "seeds", ignore_errors=True)
    make_seeds.write_seeds(args.work / "seeds")
    for name in names:
        (args.work / "seeds" / name).mkdir(parents=True, exist_ok=True)
    program_dir = args.build_dir / "fuzz"
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(
            lambda n: fuzz_one(n, program_dir / f"fuzz_{n}", args.runs, args.seconds, args.work),
            names,
        ))  # fmt: skip

    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=1))
    else:
        print(f"{'harness':16} {'runs':>9} {'exec/s':>7} {'cov':>5} {'ft':>6} "
              f"{'corpus':>13} {'time':>6}  result")  # fmt: skip
        for r in results:
            corpus = f"{r.corpus_units}/{r.corpus_bytes}b"
            print(f"{r.harness:16} {r.runs:>9} {r.execs_per_s:>7} {r.cov:>5} {r.ft:>6} "
                  f"{corpus:>13} {r.seconds:>5.0f}s  {'ok' if r.ok else 'FAILED'}")  # fmt: skip
        for r in results:
            if not r.ok:
                print(f"\n--- {r.harness} ---\n{r.detail}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
