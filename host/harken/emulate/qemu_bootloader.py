"""The QEMU device's bootloader at work: noticing the guest hand an update over (QEMU ending
with :data:`~harken.emulate.qemu_update.UPDATE_EXIT`), installing it once, and telling those
waiting when the device is back up.

Whoever first holds the device's lock after such an exit settles it: the watcher, which then
starts the device again, or a stop, kill or start that came first, which installs the image
but starts nothing (a stopped device stays stopped). Only the exit status of an ended run
triggers an install, so a kill while QEMU runs (a power cut) never installs anything.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from harken.emulate.qemu_image import QemuDeviceError
from harken.emulate.qemu_process import QemuProcess
from harken.emulate.qemu_update import (
    FIRMWARE_FILE,
    UPDATE_EXIT,
    UpdateOutcome,
    UpdateRefused,
    install_update,
    installed_image,
)

log = logging.getLogger(__name__)


class Bootloader:
    """Settles the updates of one device's runs; its lines go to the device log."""

    def __init__(self, state_dir: Path, platform_id: int, log_path: Path) -> None:
        self._state_dir = state_dir
        self.platform_id = platform_id
        self._log_path = log_path
        self._settled: QemuProcess | None = None
        self._relaunches: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        self.installed = 0
        """Updates installed by this object (refused ones not counted)."""
        self.last: UpdateOutcome | None = None
        """The last update settled, installed or not."""

    def boot_image(self, given: bool, fallback: Callable[[], Path]) -> tuple[Path, str | None]:
        """What to boot, and a line for the log when an installed update is passed over.
        ``STATE/firmware.bin`` wins unless an image was ``given`` and this object has not
        installed an update since. A damaged one boots ``fallback()`` instead: Particle's
        bootloader would wait in DFU mode, but a device that never greets would hide why."""
        if not given or self.installed:
            try:
                installed = installed_image(self._state_dir, self.platform_id)
            except UpdateRefused as exc:
                image = fallback()
                return image, f"[bootloader] not booting {FIRMWARE_FILE}: {exc}; booting {image}"
            if installed is not None:
                return installed, None
        return fallback(), None

    def watch(self, process: QemuProcess, on_update: Callable[[QemuProcess], None]) -> None:
        """Call ``on_update(process)`` from a daemon thread if the run ends in a hand-over."""

        def run() -> None:
            if process.wait_exit() == UPDATE_EXIT:
                on_update(process)

        threading.Thread(target=run, daemon=True, name=f"qemu-boot-{process.pid}").start()

    def settle(self, process: QemuProcess) -> bool:
        """Install the update ``process`` handed over, unless it did not end with one or it
        was settled already; whether this call did it. Call it holding the device's lock."""
        if process is self._settled or process.poll() != UPDATE_EXIT:
            return False
        self._settled = process
        outcome = install_update(self._state_dir, self.platform_id)
        self.last = outcome
        self.installed += outcome.installed
        self.note(outcome.log_line, logging.INFO if outcome.installed else logging.WARNING)
        return True

    def note(self, line: str, level: int) -> None:
        """Append ``line`` to the device log (a line of its own: the file is opened for
        appending, like QEMU's output) and to Python's."""
        with open(self._log_path, "ab") as device_log:
            device_log.write(f"{line}\n".encode())
        log.log(level, "%s", line)

    def relaunched(self, error: BaseException | None) -> None:
        """The watcher's start after an update ended (``error``: it failed)."""
        self._relaunches.put(error)

    def wait(self, timeout: float) -> bool:
        """Take one finished relaunch (those nobody waited for are kept), waiting up to
        ``timeout`` seconds; False if none came. Raises if that relaunch failed."""
        try:
            error = self._relaunches.get(timeout=timeout)
        except queue.Empty:
            return False
        if error is not None:
            raise QemuDeviceError(f"starting again after the update: {error}") from error
        return True


class UpdateView:
    """The updates in a device's surface, from its ``_bootloader``."""

    _bootloader: Bootloader

    @property
    def updates_installed(self) -> int:
        """Firmware updates this device's bootloader installed (refused ones not counted)."""
        return self._bootloader.installed

    @property
    def last_update(self) -> UpdateOutcome | None:
        """What the bootloader did with the last update handed over: installed, or why not."""
        return self._bootloader.last

    def wait_for_update(self, timeout: float) -> bool:
        """Wait until the device is ready again after an update was handed over (installed
        or refused: see :attr:`last_update`); False after ``timeout`` seconds. Each call
        takes one such restart, so one that finished before the call is not missed. Raises
        :class:`QemuDeviceError` if the device could not be started again."""
        return self._bootloader.wait(timeout)
