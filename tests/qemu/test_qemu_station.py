"""The manufacturing station on the QEMU Photon: the example sequence passes and is recorded
(and the unit then passes the SoftAP batch), and a limit above the simulated network fails
its step, recorded as a failure."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from harken.dut_choice import DutChoice
from harken.mfg.batch_flow import Batch
from harken.mfg.station_config import RssiStep, StationConfig, load_station
from harken.mfg.station_example import write_example
from harken.mfg.station_run import Station
from harken.mfg.unit_records import UnitRecords

QEMU = DutChoice("qemu")


def example(tmp_path: Path) -> StationConfig:
    return load_station(write_example(tmp_path / "station.toml"))


def station(config: StationConfig, image: Path, tmp_path: Path, lines: list[str]) -> Station:
    return Station(config, printer=lines.append, state_root=tmp_path / "u", qemu_image=image)


def test_the_example_station_passes_on_qemu_and_records_the_unit(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    lines: list[str] = []
    config = example(tmp_path)
    image = qemu_images("photon")
    result = station(config, image, tmp_path, lines).run_unit("Q0001", QEMU)
    assert result.passed, "\n".join(lines)
    assert [s.name for s in result.steps] == [s.name for s in config.steps]
    assert "FactoryAP at -48 dBm (limit -70)" in "\n".join(lines)
    with UnitRecords(config.database, create=False) as records:
        unit = records.lookup("Q0001")
        assert unit is not None and result.identity is not None
        assert unit.device_id == result.identity.device_id
        assert unit.runs[0].passed and unit.runs[0].platform_id == 6
    # the daily sample: the same unit, started again, set up over its SoftAP
    batch = Batch(config, printer=lines.append, state_root=tmp_path / "u", qemu_image=image)
    (sample,) = batch.run(1, QEMU)
    assert sample.passed and sample.serial_number == "Q0001", "\n".join(lines)


def test_an_rssi_limit_above_the_network_fails_on_qemu(
    qemu_images: Callable[[str], Path], tmp_path: Path
) -> None:
    config = example(tmp_path)
    steps = tuple(
        dataclasses.replace(s, min_rssi=-30) if isinstance(s, RssiStep) else s for s in config.steps
    )
    lines: list[str] = []
    result = station(
        dataclasses.replace(config, steps=steps), qemu_images("photon"), tmp_path, lines
    ).run_unit("Q0002", QEMU)
    failed = result.first_failure
    assert failed is not None and failed.name == "rssi", "\n".join(lines)
    assert failed.reason == "RSSI -48 dBm on FactoryAP is below the limit -30 dBm"
    with UnitRecords(config.database, create=False) as records:
        unit = records.lookup("Q0002")
        assert unit is not None and not unit.runs[0].passed
        assert unit.runs[0].failed_step is not None
        assert unit.runs[0].failed_step.name == "rssi"
