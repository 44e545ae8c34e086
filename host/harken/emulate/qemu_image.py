"""The QEMU images (``pio run -e qemu|qemu_p1|qemu_electron``): where they are, and building
them on demand."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

from harken.emulate.native import _pio_command, find_repo_root
from harken.errors import HarkenError

ENV_BUILD_DIR = "HARKEN_QEMU_BUILD_DIR"
"""A PlatformIO build folder to take (and build) the images in, instead of ``<repo>/.pio/build``."""
ENVS = {"photon": "qemu", "p1": "qemu_p1", "electron": "qemu_electron"}
"""The PlatformIO env of each platform's QEMU image."""
BUILD_TIMEOUT = 1800.0

log = logging.getLogger(__name__)


class QemuDeviceError(HarkenError):
    """The QEMU device could not be built, started or stopped, or lacks a feature."""


def build_dir(root: Path | None = None) -> Path:
    """``$HARKEN_QEMU_BUILD_DIR``, else ``<repo>/.pio/build``."""
    env = os.environ.get(ENV_BUILD_DIR)
    if env:
        return Path(env).absolute()
    return (root or find_repo_root()) / ".pio" / "build"


def image_path(platform: str, root: Path | None = None) -> Path:
    """Where ``pio run -e <env>`` puts the platform's QEMU image."""
    return build_dir(root) / ENVS[platform] / "firmware.elf"


def build_qemu_image(
    platform: str, root: Path | None = None, timeout: float = BUILD_TIMEOUT
) -> Path:
    """Run ``pio run -e <env>`` for the platform's QEMU image; return the ELF."""
    root = root or find_repo_root()
    env = ENVS[platform]
    log.info("building the %s QEMU image (env %s) in %s", platform, env, root)
    environment = dict(os.environ)
    if os.environ.get(ENV_BUILD_DIR):
        environment["PLATFORMIO_BUILD_DIR"] = str(build_dir(root))
    try:
        result = subprocess.run(
            [_pio_command(), "run", "-e", env],
            cwd=root,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise QemuDeviceError(f"'pio run -e {env}' took longer than {timeout:.0f} s") from None
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-40:])
        raise QemuDeviceError(f"'pio run -e {env}' failed ({result.returncode}):\n{tail}")
    image = image_path(platform, root)
    if not image.is_file():
        raise QemuDeviceError(f"the build finished but {image} is missing")
    return image
