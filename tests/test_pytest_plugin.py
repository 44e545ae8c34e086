"""harken's pytest plugin (entry point ``pytest11: harken``), run inside pytest's own
``pytester``: option parsing, capability and platform skips, and the fixtures on real native
devices."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from harken.emulate.native import ENV_PROGRAM

pytest_plugins = ["pytester"]

CAPABILITY_TESTS = """
import pytest

@pytest.mark.needs("radio_sim")
def test_radio_sim(): pass

@pytest.mark.needs("softap")
def test_softap(): pass

@pytest.mark.needs("fixture")
def test_fixture(): pass

@pytest.mark.needs("power_cut")
def test_power_cut(): pass

@pytest.mark.needs("fresh_state")
def test_fresh_state(): pass

def test_implied_radio_sim(wifi_environment): pass

def test_implied_softap(softap_http): pass
"""
"""Tests whose only job is to be skipped or not; none of them starts a device."""

ALL_NEEDS = ["radio_sim", "softap", "fixture", "power_cut", "fresh_state"]


@pytest.fixture
def inner(pytester: pytest.Pytester, native_program: Path, monkeypatch: pytest.MonkeyPatch):
    """A pytester whose runs use the session's native program (no rebuild per run)."""
    monkeypatch.setenv(ENV_PROGRAM, str(native_program))
    return pytester


def skipped_needs(result: pytest.RunResult) -> set[str]:
    """The capabilities named in the skip reasons of ``-rs`` output."""
    text = result.stdout.str()
    return {name for name in ALL_NEEDS if f"needs capability '{name}'" in text}


# --- options ---------------------------------------------------------------------------------


def test_options_select_the_dut(inner: pytest.Pytester):
    inner.makepyfile(
        """
        from harken.pytest_plugin import DutSpec

        def test_spec(dut_spec):
            assert dut_spec == DutSpec("serial", "p1", "/dev/ttyFAKE0", "192.168.0.1")
        """
    )
    result = inner.runpytest(
        "--dut", "serial:/dev/ttyFAKE0", "--dut-platform", "p1", "--dut-softap-host",
        "192.168.0.1",
    )  # fmt: skip
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["harken DUT: serial p1 on /dev/ttyFAKE0 (capabilities: softap)"])


def test_the_default_dut_is_a_native_photon(inner: pytest.Pytester):
    inner.makepyfile(
        """
        def test_spec(dut_spec):
            assert (dut_spec.kind, dut_spec.platform, dut_spec.port) == ("native", "photon", None)
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1)
    capabilities = "bench, fresh_state, power_cut, radio_sim, softap"
    result.stdout.fnmatch_lines([f"harken DUT: native photon (capabilities: {capabilities})"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dut", "bogus"], "*'bogus' is not a DUT; use native, qemu or serial:PORT*"),
        (["--dut", "serial:"], "*serial needs a port*"),
        (["--dut", "native:/dev/x"], "*is not a DUT*"),
        (["--dut-platform", "argon"], "*invalid choice: 'argon'*"),
        (["--dut-softap-host", "192.168.0.1"], "*--dut-softap-host is for --dut serial:PORT*"),
    ],
)
def test_bad_options_are_usage_errors(inner: pytest.Pytester, args, message):
    inner.makepyfile("def test_nothing(): pass")
    result = inner.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_markers_are_registered(inner: pytest.Pytester):
    result = inner.runpytest("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.needs(*capabilities):*", "@pytest.mark.platform(*names):*"]
    )
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.needs("softap")
        @pytest.mark.platform("photon")
        def test_marked(): pass
        """
    )
    inner.runpytest("--strict-markers").assert_outcomes(passed=1)


# --- capability and platform skips -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "lacking"),
    [
        ([], {"fixture"}),
        (["--dut-platform", "p1"], {"fixture"}),
        (["--dut-platform", "electron"], {"fixture", "softap", "radio_sim"}),
        (["--dut", "qemu"], {"power_cut"}),
        (["--dut", "qemu", "--dut-platform", "electron"], {"radio_sim", "power_cut", "softap"}),
        (["--dut", "serial:/dev/ttyFAKE0"], set(ALL_NEEDS)),
        (
            ["--dut", "serial:/dev/ttyFAKE0", "--dut-softap-host", "192.168.0.1"],
            set(ALL_NEEDS) - {"softap"},
        ),
    ],
    ids=["native", "native-p1", "native-electron", "qemu", "qemu-electron", "serial", "bench"],
)
def test_a_test_needing_what_the_dut_lacks_is_skipped_naming_it(
    pytester: pytest.Pytester, args, lacking
):
    """The skips happen before any fixture, so no device starts. ``wifi_environment`` implies
    radio_sim and ``softap_http`` softap; both are stubbed here so that the tests the DUT can
    run pass without a device."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def wifi_environment(): return None

        @pytest.fixture
        def softap_http(): return None
        """
    )
    pytester.makepyfile(CAPABILITY_TESTS)
    result = pytester.runpytest("-rs", *args)
    skipped = len(lacking) + len({"radio_sim", "softap"} & lacking)  # + the implied ones
    result.assert_outcomes(skipped=skipped, passed=7 - skipped)
    assert skipped_needs(result) == lacking


def test_the_skip_reason_names_the_capability_and_the_dut(pytester: pytest.Pytester):
    pytester.makepyfile(CAPABILITY_TESTS)
    result = pytester.runpytest("-rs", "--dut", "qemu", "--dut-platform", "electron", "-k", "radio")
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*needs capability 'radio_sim' (the host sets the Wi-Fi networks the device "
            "sees and can join); the DUT (qemu electron) lacks it"
        ]
    )


def test_platform_marker(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.platform("photon", "p1")
        def test_wifi_boards(): pass

        @pytest.mark.platform("electron")
        def test_cellular(): pass

        @pytest.mark.platform("P1")
        class TestP1:
            def test_inside(self): pass
        """
    )
    result = pytester.runpytest("-rs", "--dut-platform", "p1")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(
        ["*runs on electron only; the DUT's platform is p1 (--dut-platform)"]
    )


def test_an_unknown_capability_fails_the_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.needs("teleport")
        def test_beam(): pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown capability 'teleport' in needs(); known: radio_sim*"])


def test_qemu_not_importable_skips_device_tests_with_the_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "harken.emulate.qemu", None)  # import fails
    pytester.makepyfile(
        """
        def test_uses_the_device(dut): pass

        def test_needs_no_device(): pass
        """
    )
    result = pytester.runpytest("-rs", "--dut", "qemu")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED*--dut qemu needs harken.emulate.qemu, which cannot be imported here*"]
    )


# --- fixtures on real native devices -----------------------------------------------------------


def test_fixtures_on_a_native_photon(
    inner: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    pids = tmp_path / "pids"
    monkeypatch.setenv("HARKEN_TEST_PIDS", str(pids))
    inner.makepyfile(
        """
        import os
        from harken.emulate.wifi_env import WifiNetwork

        NET = WifiNetwork("HomeNet", 0x00400004, channel=6, rssi=-40, password="p" * 10)

        def record(dut, device_id):
            with open(os.environ["HARKEN_TEST_PIDS"], "a") as pids:
                pids.write(f"{dut.device.pid} {device_id} {dut.state_dir}\\n")

        def test_everything(dut, dut_console, console_wire, softap, softap_http, softap_wire,
                            wifi_environment, tmp_path):
            assert dut.kind == "native" and dut.platform == "photon"
            assert dut.state_dir == tmp_path / "dut" and dut.device.running
            device_id = dut_console.identify().device_id
            assert softap.device_info().device_id == device_id
            assert softap_http.device_info().device_id == device_id
            assert softap_wire.tcp(b"version\\n0\\n\\n") == b'\\n\\n{"v":2}'
            console_wire.exchange("c", "Device claimed: no\\r\\n")
            wifi_environment.set([NET])
            assert [e.ssid for e in softap.scan()] == ["HomeNet"]
            record(dut, device_id)

        def test_another(dut, dut_console):
            record(dut, dut_console.identify().device_id)
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=2)
    runs = [line.split() for line in pids.read_text().splitlines()]
    assert len(runs) == 2
    assert runs[0][1] != runs[1][1] and runs[0][2] != runs[1][2], "not a fresh device per test"
    for pid, _, _ in runs:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)  # stopped after its test


def test_an_electron_is_put_into_listening_mode(inner: pytest.Pytester):
    """A native Electron with a SIM does not listen by itself: the ``dut`` fixture uses the
    28800-baud trick, and the SoftAP fixtures skip."""
    inner.makepyfile(
        """
        def test_console(dut, dut_console):
            assert dut.softap_tcp_port is None
            assert dut_console.inspect().platform_id == 10

        def test_softap(softap): pass
        """
    )
    result = inner.runpytest("-rs", "--dut-platform", "electron")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED*needs capability 'softap'*; the DUT (native electron) lacks it"]
    )


def test_disabling_the_plugin(pytester: pytest.Pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-p", "no:harken", "--dut", "native")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments: --dut*"])


def test_the_console_suite_runs_against_a_serial_dut(inner: pytest.Pytester, native_device):
    """A native Photon's pty stands in for a real board on USB: ``--dut serial:PORT`` runs
    the hil console suite on one device that keeps its state from test to test; what needs
    the simulated radio or a fresh device is skipped."""
    device = native_device("photon", wifi_env=None)
    suite = Path(__file__).resolve().parent.parent / "hil" / "test_conformance_console.py"
    result = inner.runpytest(str(suite), "-rs", "--dut", f"serial:{device.console}")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()
    assert outcomes["passed"] >= 10
    assert skipped_needs(result) == {"radio_sim", "fresh_state", "fixture"}
    assert device.running
