"""The root of every exception harken raises on purpose.

Messages never contain secrets (Wi-Fi passwords, claim codes, private keys).
"""


class HarkenError(Exception):
    """Base class of harken's own errors."""
