"""``harken fuzz`` against the native virtual device: bounded runs of every target find
nothing and report their rate; a device killed mid-run is reported as a crash whose
reproducer ``harken fuzz replay`` runs again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from harken.dut_choice import parse_dut
from harken.fuzz.campaign import Campaign, case_source, opened_session
from harken.fuzz.device import DutOptions
from harken.fuzz.reproducer import load_reproducer
from harken.fuzz.runner import FuzzRunner, Limits

SECONDS = 20.0


def campaign(target, program, out, limits, seed=1):
    options = DutOptions(parse_dut("native"), program=program)
    return Campaign(target, seed, options, out, limits)


def harken(*args):
    return subprocess.run(
        [sys.executable, "-m", "harken.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("target", ["softap", "serial", "ymodem"])
def test_bounded_run_finds_nothing(target, native_program, tmp_path):
    limits = Limits(cases=200, seconds=SECONDS)
    stats = campaign(target, native_program, tmp_path / "out", limits).run()
    assert stats.findings == [], [(f.kind, f.detail, str(f.path)) for f in stats.findings]
    assert stats.cases >= 10
    assert stats.cases_per_second > 0
    assert not (tmp_path / "out").exists()


def test_cli_reports_cases_per_second(native_program, tmp_path):
    out = tmp_path / "out"
    run = harken(
        "fuzz", "softap", "--dut", "native", "--program", str(native_program),
        "--cases", "40", "--seed", "5", "--out", str(out), "--json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["cases"] == 40 and report["seed"] == 5 and report["findings"] == []
    assert report["cases_per_second"] > 0
    text = harken(
        "fuzz", "serial", "--dut", "native", "--program", str(native_program),
        "--cases", "5", "--seed", "5", "--out", str(out),
    )  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert "5 cases in" in text.stdout and "cases/s, 0 findings" in text.stdout


@pytest.mark.parametrize("target", ["softap", "serial"])
def test_a_killed_device_is_a_crash_finding_with_a_replayable_reproducer(
    target, native_program, tmp_path
):
    out = tmp_path / "out"
    options = DutOptions(parse_dut("native"), program=native_program)
    with opened_session(options, target) as session:
        killed = []

        def kill_after_case_20(stats):
            if stats.cases == 20 and not killed:
                killed.append(session.device.pid)
                os.kill(session.device.pid, signal.SIGKILL)

        runner = FuzzRunner(
            session, case_source(target, 3, session), 3, out,
            dut="native", platform="photon", on_case=kill_after_case_20,
        )  # fmt: skip
        stats = runner.run(Limits(cases=60, stop_on_finding=True))
    assert killed
    assert stats.cases == 21
    [finding] = stats.findings
    assert finding.kind == "crash" and finding.case == 20
    assert "status -9" in finding.detail
    assert finding.path == out / f"{target}-crash-seed3-case20.json"
    saved = load_reproducer(finding.path)
    assert saved.kind == "crash" and saved.messages and not saved.reproduced
    assert saved.messages == runner.source.case(20).messages

    replay = harken(
        "fuzz", "replay", str(finding.path), "--dut", "native", "--program", str(native_program),
        "--json",
    )  # fmt: skip
    assert replay.returncode == 0, replay.stderr  # a kill from outside does not come back
    report = json.loads(replay.stdout)
    assert report["messages"] == len(saved.messages) and report["finding"] is None
