"""The ``harken`` command line."""
