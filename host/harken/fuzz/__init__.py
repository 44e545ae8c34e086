"""``harken fuzz``: a structure-aware fuzzer for any device harken talks to.

Cases are generated from the protocol models (SoftAP requests, console dialogues, YMODEM
sessions), sent to the device under test, and followed by liveness and configuration checks;
a finding is minimised and saved as a JSON reproducer that ``harken fuzz replay`` re-runs.
"""
