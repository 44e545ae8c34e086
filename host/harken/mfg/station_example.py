"""``harken mfg init``: a ready-to-run station.toml that passes on an emulated Photon."""

from __future__ import annotations

from pathlib import Path

from harken.atomic_file import replace_file

EXAMPLE = """\
# A manufacturing station (protocol/station.md). Run it on an emulated Photon:
#   harken mfg test --station station.toml --dut native --serial-number SN0001
#   harken mfg lookup SN0001 --station station.toml

[station]
name = "{name}"
database = "units.db"          # relative to this file
stop_on_fail = true            # the first failing step ends the unit's run
baud = 9600                    # a board's test pads (USART1, shared with its console for now)

[expect]                       # what every unit must report on IDENTIFY
platform = "photon"            # photon, p1 or electron
product_id = 6                 # a Photon without a product reports its platform ID ...
product_version = 65535        # ... and 0xFFFF
system_version = "2.3.1"       # optional; build metadata after '+' is not compared
# module_version = 2302        # optional

[[step]]
kind = "identify"              # always first: the device ID binds the serial number

[[step]]
kind = "led"
color = "white"                # the colour held on the LED
sensor = "fixture"             # the fixture's optical reading ("operator" asks a person)
tolerance = 0.15               # chromaticity, each channel relative to the brightest
# expect = "white"             # what the sensor should read, if not the colour held

[[step]]
kind = "button"
source = "fixture"             # the fixture presses SETUP ("operator": a person does)

[[step]]
kind = "scan"
ssid = "FactoryAP"             # the reference AP must be seen ...
min_rssi = -70                 # ... at -70 dBm or better

[[step]]
kind = "join"
ssid = "FactoryAP"
password = "factory-secret"
security = "wpa2_aes"
timeout_s = 30

[[step]]
kind = "rssi"
min_rssi = -70                 # the joined link's RSSI

[[step]]
kind = "clear_credentials"     # ship with no Wi-Fi profile

[[step]]
kind = "reboot"

# The Wi-Fi around emulated units, each SSID:SECURITY:PASSWORD:CHANNEL:RSSI
[emulate]
networks = [
    "FactoryAP:wpa2_aes:factory-secret:6:-48",
    "CustomerNet:wpa2_aes:customer-secret:11:-60",
]

[batch]                        # harken mfg batch: the customer's SoftAP set-up on passed units
ssid = "CustomerNet"
password = "customer-secret"
claim_code = "EXAMPLECLAIMCODE0123456789"
"""


def write_example(path: Path, *, name: str = "station-1", force: bool = False) -> Path:
    """Write the example to ``path``; an existing file is kept unless ``force``."""
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, EXAMPLE.format(name=name).encode())
    return path
