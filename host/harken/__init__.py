"""harken: host tools for Particle Gen 2 (Photon, P1, Electron) setup protocols.

Layers, each importing only the ones listed before it:
``harken.protocol`` (pure codecs) → ``harken.transport`` (byte streams) →
``harken.console`` (device clients) → ``harken.emulate`` (virtual devices) → ``harken.cli``.
"""

__version__ = "0.1.0"
