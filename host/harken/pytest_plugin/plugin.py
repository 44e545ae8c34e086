"""harken's pytest plugin (entry point ``pytest11: harken``): run a test suite against a
device under test chosen on the command line.

Options::

    --dut native|qemu|serial:PORT    the device under test (default: native)
    --dut-platform photon|p1|electron  its platform (default: photon)
    --dut-softap-host HOST           a real board's SoftAP address, once the host has joined
                                     its setup network (e.g. 192.168.0.1)

Fixtures: ``dut`` (a started device in listening mode; fresh for every test, its state in
``tmp_path``), ``dut_console`` (a :class:`~harken.console.client.ConsoleClient` on it),
``console_wire`` (byte-exact checks on the same port), ``softap`` and ``softap_http``
(:class:`~harken.softap.client.SoftApClient` over TCP and HTTP), ``softap_wire`` (raw
bytes), ``wifi_environment`` (the simulated networks), ``dut_spec``.

Markers: ``needs(capability, ...)`` and ``platform(name, ...)``; a test whose needs the DUT
lacks is skipped with a reason that names the capability. Using ``softap``, ``softap_http``
or ``softap_wire`` implies ``needs("softap")``, ``wifi_environment`` ``needs("radio_sim")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from harken.console.client import ConsoleClient
from harken.dut_choice import DutChoice, parse_dut
from harken.fixture import FixtureClient
from harken.pytest_plugin.capabilities import (
    BENCH,
    CAPABILITIES,
    FIXTURE,
    RADIO_SIM,
    SOFTAP,
    unknown_capabilities,
)
from harken.pytest_plugin.console_wire import ConsoleWire
from harken.pytest_plugin.dut import (
    DeviceUnderTest,
    DutLauncher,
    DutUnavailable,
    WifiEnvironment,
    dut_capabilities,
    lacking,
)
from harken.pytest_plugin.fixture_lines import FixtureLines
from harken.pytest_plugin.options import (
    DEFAULT_DUT,
    DEFAULT_PLATFORM,
    DUT_HELP,
    PLATFORM_NAMES,
    DutSpec,
)
from harken.pytest_plugin.softap_wire import SoftApWire, wait_until_up
from harken.softap.client import SoftApClient

SPEC_KEY = pytest.StashKey[DutSpec]()
CAPABILITIES_KEY = pytest.StashKey[frozenset[str]]()
LAUNCHERS_KEY = pytest.StashKey[list[DutLauncher]]()

IMPLIED_NEEDS = {
    "softap": SOFTAP,
    "softap_http": SOFTAP,
    "softap_wire": SOFTAP,
    "wifi_environment": RADIO_SIM,
    "dut_fixture": FIXTURE,
    "dut_bench": BENCH,
}
"""Fixtures whose use implies a capability."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harken", "harken device under test")
    group.addoption(
        "--dut", type=parse_dut, default=parse_dut(DEFAULT_DUT), metavar="DUT", help=DUT_HELP
    )
    group.addoption(
        "--dut-platform",
        choices=PLATFORM_NAMES,
        default=DEFAULT_PLATFORM,
        help="platform of the device under test (default: photon)",
    )
    group.addoption(
        "--dut-softap-host",
        default=None,
        metavar="HOST",
        help="for --dut serial:PORT: the board's SoftAP address once this host has joined "
        "its setup network (e.g. 192.168.0.1); without it SoftAP tests are skipped",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs(*capabilities): skip unless the DUT has every capability "
        f"({', '.join(CAPABILITIES)})",
    )
    config.addinivalue_line(
        "markers", "platform(*names): run only on a DUT of one of these platforms"
    )
    choice: DutChoice = config.getoption("dut")
    platform: str = config.getoption("dut_platform")
    softap_host: str | None = config.getoption("dut_softap_host")
    if softap_host is not None and choice.kind != "serial":
        raise pytest.UsageError("--dut-softap-host is for --dut serial:PORT")
    config.stash[SPEC_KEY] = DutSpec(choice.kind, platform, choice.port, softap_host)
    config.stash[LAUNCHERS_KEY] = []


def _capabilities(config: pytest.Config) -> frozenset[str]:
    if CAPABILITIES_KEY not in config.stash:
        config.stash[CAPABILITIES_KEY] = dut_capabilities(config.stash[SPEC_KEY])
    return config.stash[CAPABILITIES_KEY]


def pytest_report_header(config: pytest.Config) -> str:
    spec = config.stash[SPEC_KEY]
    capabilities = ", ".join(sorted(_capabilities(config))) or "none"
    return f"harken DUT: {spec.describe()} (capabilities: {capabilities})"


def needed_capabilities(item: pytest.Item) -> list[str]:
    """The capabilities ``item`` needs: its ``needs`` markers, then its fixtures'."""
    needed: list[str] = []
    for mark in item.iter_markers("needs"):
        needed += [str(name) for name in mark.args]
    fixtures: Iterable[str] = getattr(item, "fixturenames", ())
    needed += [IMPLIED_NEEDS[name] for name in fixtures if name in IMPLIED_NEEDS]
    return list(dict.fromkeys(needed))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test the DUT cannot run, before any device starts."""
    spec = item.config.stash[SPEC_KEY]
    needed = needed_capabilities(item)
    unknown = unknown_capabilities(needed)
    if unknown:
        pytest.fail(
            f"{item.nodeid}: unknown capability {unknown[0]!r} in needs(); known: "
            f"{', '.join(CAPABILITIES)}",
            pytrace=False,
        )
    for mark in item.iter_markers("platform"):
        names = [str(name).lower() for name in mark.args]
        if not names:
            continue
        if spec.platform not in names:
            pytest.skip(
                f"runs on {' or '.join(names)} only; the DUT's platform is {spec.platform} "
                "(--dut-platform)"
            )
    reason = lacking(spec, _capabilities(item.config), needed)
    if reason is not None:
        pytest.skip(reason)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Last line of defence against orphaned device processes."""
    for launcher in session.config.stash.get(LAUNCHERS_KEY, []):
        launcher.kill_stragglers()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dut_spec(pytestconfig: pytest.Config) -> DutSpec:
    """What ``--dut``, ``--dut-platform`` and ``--dut-softap-host`` selected."""
    return pytestconfig.stash[SPEC_KEY]


@pytest.fixture(scope="session")
def dut_launcher(
    pytestconfig: pytest.Config, dut_spec: DutSpec, tmp_path_factory: pytest.TempPathFactory
) -> DutLauncher:
    """Builds once per session (the native program, or the QEMU runner's image) and starts
    DUTs; skips every DUT test with the reason if this kind of DUT is not available."""
    try:
        launcher = DutLauncher(dut_spec, tmp_path_factory.mktemp("dut-build"))
    except DutUnavailable as exc:
        pytest.skip(str(exc))
    pytestconfig.stash[LAUNCHERS_KEY].append(launcher)
    return launcher


@pytest.fixture
def dut(dut_launcher: DutLauncher, tmp_path: Path) -> Iterator[DeviceUnderTest]:
    """A started device in listening mode: fresh for every test on emulated DUTs, with its
    state in ``tmp_path/dut``; stopped afterwards."""
    device = dut_launcher.start(tmp_path / "dut")
    try:
        yield device
    finally:
        device.stop()


@pytest.fixture
def dut_console(dut: DeviceUnderTest) -> Iterator[ConsoleClient]:
    """harken's console client on the DUT's serial console (open for the whole test)."""
    assert dut.port is not None
    dut.port.open()
    yield ConsoleClient(dut.port)


@pytest.fixture
def console_wire(dut_console: ConsoleClient) -> ConsoleWire:
    """Byte-exact checks on the same open port as ``dut_console``."""
    return ConsoleWire(dut_console.port)


def _softap_client(dut: DeviceUnderTest, *, http: bool) -> SoftApClient:
    dut.require(SOFTAP)
    port = dut.softap_http_port if http else dut.softap_tcp_port
    assert dut.softap_host is not None and port is not None, "the DUT reports no SoftAP port"
    client = SoftApClient(dut.softap_host, port, http=http)
    wait_until_up(client)
    return client


@pytest.fixture
def softap(dut: DeviceUnderTest) -> SoftApClient:
    """harken's SoftAP client on the DUT's simple-protocol (TCP) port, once it answers."""
    return _softap_client(dut, http=False)


@pytest.fixture
def softap_http(dut: DeviceUnderTest) -> SoftApClient:
    """harken's SoftAP client on the DUT's HTTP port, once it answers."""
    return _softap_client(dut, http=True)


@pytest.fixture
def softap_wire(dut: DeviceUnderTest) -> SoftApWire:
    """Raw exchanges with the DUT's SoftAP ports, once the SoftAP answers."""
    client = _softap_client(dut, http=False)
    assert dut.softap_tcp_port is not None and dut.softap_http_port is not None
    return SoftApWire(client.host, dut.softap_tcp_port, dut.softap_http_port)


@pytest.fixture
def wifi_environment(dut: DeviceUnderTest) -> WifiEnvironment:
    """Set the networks the DUT's simulated radio sees (none until set)."""
    dut.require(RADIO_SIM)
    environment = WifiEnvironment(dut)
    environment.set(())
    return environment


@pytest.fixture
def dut_bench(dut: DeviceUnderTest) -> Iterator[FixtureClient]:
    """The bench around the DUT: its SETUP button, resets, and the LED's events."""
    dut.require(BENCH)
    assert dut.device is not None and dut.device.fixture_port is not None
    with FixtureClient("127.0.0.1", dut.device.fixture_port) as bench:
        yield bench


@pytest.fixture
def dut_fixture(dut: DeviceUnderTest) -> FixtureLines:
    """The DUT's fixture channel (QEMU's USART3): a command line out, its answer back."""
    dut.require(FIXTURE)
    assert dut.device is not None, "a fixture channel belongs to an emulated device"
    return FixtureLines(dut.device)  # type: ignore[arg-type]
