"""``harken fuzz softap`` against the Cortex-M3 image under QEMU (SoftAP over the USART2
bridge): a bounded run finds nothing and reports its rate."""

from __future__ import annotations

from harken.dut_choice import parse_dut
from harken.fuzz.campaign import Campaign
from harken.fuzz.device import DutOptions
from harken.fuzz.runner import Limits


def test_bounded_softap_run_on_qemu_finds_nothing(qemu_images, tmp_path):
    options = DutOptions(parse_dut("qemu"), image=qemu_images("photon"))
    limits = Limits(cases=200, seconds=20.0)
    stats = Campaign("softap", 1, options, tmp_path / "out", limits).run()
    assert stats.findings == [], [(f.kind, f.detail, str(f.path)) for f in stats.findings]
    assert stats.cases >= 10
    assert stats.cases_per_second > 0
