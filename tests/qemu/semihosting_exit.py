"""Ends a running QEMU guest with a semihosting exit status of the test's choosing, through
QEMU's gdbstub: the call the firmware makes to hand an update over (SYS_EXIT_EXTENDED), made
without the firmware's help, so the runner's side can be tested on today's image.

A minimal GDB remote-protocol client: attaching halts the guest; the test writes a Thumb
``bkpt 0xab`` and the parameter block into SRAM, points r0, r1 and pc at them and resumes.
"""

from __future__ import annotations

import socket

SYS_EXIT_EXTENDED = 0x20
ADP_STOPPED_APPLICATION_EXIT = 0x20026
BKPT_SEMIHOSTING = (0xBEAB).to_bytes(2, "little")  # Thumb `bkpt 0xab`
SCRATCH = 0x20000000
"""Start of SRAM: the guest never runs its own code again, so anything there may go."""
PC = 15


def gdb_arguments(port: int) -> list[str]:
    """QEMU options for a gdbstub on 127.0.0.1:``port`` (the guest runs until one attaches)."""
    return ["-gdb", f"tcp:127.0.0.1:{port}"]


class GdbClient:
    """One connection to QEMU's gdbstub, packets acknowledged the protocol's default way."""

    def __init__(self, port: int, timeout: float) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, payload: str) -> None:
        checksum = sum(payload.encode()) % 256
        self.sock.sendall(f"${payload}#{checksum:02x}".encode())
        while True:
            if not self.buffer:
                self._fill()
            if self.buffer.startswith(b"+"):
                self.buffer = self.buffer[1:]
                return
            if self.buffer.startswith(b"$"):
                self.reply()  # the halt QEMU reports unasked when a debugger attaches
            else:
                self.buffer = self.buffer[1:]

    def reply(self) -> str:
        while b"#" not in self.buffer or len(self.buffer) < self.buffer.index(b"#") + 3:
            self._fill()
        start, end = self.buffer.index(b"$"), self.buffer.index(b"#")
        payload = self.buffer[start + 1 : end].decode()
        self.buffer = self.buffer[end + 3 :]
        self.sock.sendall(b"+")
        return payload

    def command(self, payload: str) -> str:
        self.send(payload)
        return self.reply()

    def _fill(self) -> None:
        chunk = self.sock.recv(4096)
        if not chunk:
            raise ConnectionError("gdbstub closed the connection")
        self.buffer += chunk


def word(value: int) -> str:
    """A 32-bit value as the protocol writes registers: target (little-endian) byte order."""
    return value.to_bytes(4, "little").hex()


def semihosting_exit(gdb_port: int, status: int, timeout: float = 10.0) -> None:
    """Make the guest behind ``gdb_port`` call SYS_EXIT_EXTENDED(ApplicationExit, status):
    QEMU then exits with ``status``."""
    gdb = GdbClient(gdb_port, timeout)
    try:
        gdb.command("?")  # the stop reason: the guest is halted now
        block = ADP_STOPPED_APPLICATION_EXIT.to_bytes(4, "little") + status.to_bytes(4, "little")
        code = BKPT_SEMIHOSTING + bytes(2)
        for address, data in ((SCRATCH, code), (SCRATCH + 4, block)):
            answer = gdb.command(f"M{address:x},{len(data):x}:{data.hex()}")
            assert answer == "OK", f"writing guest memory: {answer!r}"
        # `g`/`G` move every register at once; QEMU answers `P` only to a debugger that read
        # its target description. r0-r15 come first, 8 hex digits each.
        registers = gdb.command("g")
        for register, value in ((0, SYS_EXIT_EXTENDED), (1, SCRATCH + 4), (PC, SCRATCH)):
            at = register * 8
            registers = registers[:at] + word(value) + registers[at + 8 :]
        answer = gdb.command(f"G{registers}")
        assert answer == "OK", f"writing the registers: {answer!r}"
        gdb.send("c")  # QEMU ends; it may say W<status> first or just close
    finally:
        gdb.close()
