"""What a device under test can do beyond the protocols every device speaks.

A conformance test states what it needs with ``@pytest.mark.needs(...)``; a DUT that lacks
one of those capabilities skips the test with a reason naming it. Which DUT has what:

| capability | native | qemu | serial |
|---|---|---|---|
| ``radio_sim`` | yes | Photon, P1 | no |
| ``softap`` | Photon, P1 | Photon, P1 | with ``--dut-softap-host`` (Photon, P1) |
| ``fixture`` | no | yes | no |
| ``bench`` | yes | yes | no |
| ``power_cut`` | yes | no | no |
| ``fresh_state`` | yes | yes | no |

An emulated device class may declare more with a ``capabilities`` attribute (a collection
of the names below); they are added to its row.
"""

from __future__ import annotations

from collections.abc import Iterable

from harken.protocol.platform import platform_by_name

RADIO_SIM = "radio_sim"
SOFTAP = "softap"
FIXTURE = "fixture"
BENCH = "bench"
POWER_CUT = "power_cut"
FRESH_STATE = "fresh_state"

CAPABILITIES: dict[str, str] = {
    RADIO_SIM: "the host sets the Wi-Fi networks the device sees and can join",
    SOFTAP: "the device's setup AP (TCP 5609 and HTTP) is reachable from the host",
    FIXTURE: "QEMU's USART3 fixture channel takes raw command lines",
    BENCH: "the host presses the SETUP button, resets, and watches the RGB LED",
    POWER_CUT: "the host can cut the power at a chosen byte of a flash write",
    FRESH_STATE: "every test starts from a device with an erased configuration",
}

_BY_KIND: dict[str, frozenset[str]] = {
    "native": frozenset({RADIO_SIM, SOFTAP, BENCH, POWER_CUT, FRESH_STATE}),
    "qemu": frozenset({RADIO_SIM, SOFTAP, FIXTURE, BENCH, FRESH_STATE}),
    "serial": frozenset({SOFTAP}),
}


def unknown_capabilities(names: Iterable[str]) -> list[str]:
    """The names that are not capabilities, in order."""
    return [name for name in names if name not in CAPABILITIES]


def capabilities_for(
    kind: str,
    platform: str,
    *,
    softap_reachable: bool = True,
    declared: Iterable[str] = (),
) -> frozenset[str]:
    """The capabilities of a DUT of ``kind`` (native, qemu, serial) and ``platform``.

    ``softap_reachable`` is False for a real board whose AP the host has not joined;
    ``declared`` adds what a device class says it can do. The Electron has no SoftAP.
    """
    if kind not in _BY_KIND:
        raise ValueError(f"unknown DUT kind {kind!r}")
    found = platform_by_name(platform)
    if found is None:
        raise ValueError(f"unknown platform {platform!r}")
    capabilities = set(_BY_KIND[kind]) | {c for c in declared if c in CAPABILITIES}
    if not found.has_wifi or not softap_reachable:
        capabilities.discard(SOFTAP)
    if not found.has_wifi:
        capabilities.discard(RADIO_SIM)
    return frozenset(capabilities)
