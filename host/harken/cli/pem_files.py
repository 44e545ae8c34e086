"""PEM files named on the command line (certificates and keys for WPA Enterprise)."""

from __future__ import annotations

from pathlib import Path


def read_pem(path: Path | None) -> str | None:
    """The file's text, or None without a path; a clear error for a non-ASCII file."""
    if path is None:
        return None
    try:
        return path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not an ASCII PEM file") from None
