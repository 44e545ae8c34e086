"""A scripted stand-in for a device's listening-mode console, on the master side of a pty.

It follows serial-listening-mode.md (§3 line input with echo/CRLF/flush, §4 replies, §5 the
``w`` dialog) closely enough to exercise the host client's dialog logic. It is a test double
for the client only; the firmware is tested against the real virtual device elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import threading
import time
import tty
from dataclasses import dataclass, field

WEP, WPA, WPA2, ENT = 0x1, 0x00200000, 0x00400000, 0x02000000
AES, TKIP = 0x4, 0x2
TCGETS2 = 0x802C542A  # Linux: struct termios2 carries arbitrary speeds such as 28800

PHOTON_DESCRIBE = (
    b'{"p":6,"m":[{"s":16384,"l":"m","vc":30,"vv":30,"f":"b","n":"0","v":1006,"d":[]},'
    b'{"s":262144,"l":"m","vc":30,"vv":30,"f":"s","n":"1","v":2302,'
    b'"d":[{"f":"s","n":"2","v":207}]},'
    b'{"s":262144,"l":"m","vc":30,"vv":30,"f":"s","n":"2","v":2302,'
    b'"d":[{"f":"s","n":"1","v":2302},{"f":"b","n":"0","v":1006}]},'
    b'{"s":131072,"l":"m","vc":30,"vv":30,"u":"' + b"AB" * 32 + b'","f":"u","n":"1","v":6,'
    b'"d":[{"f":"s","n":"2","v":2302}]}]}'
)
ELECTRON_DESCRIBE = (
    b'{"p":10,"imei":"352753090034567","iccid":"89340765000025876571","cellfw":"23.60",'
    b'"m":[{"s":16384,"l":"m","vc":30,"vv":30,"f":"b","n":"0","v":1006,"d":[]}]}'
)


def security_type(value: int) -> int | None:
    """toSecurityType: the HAL security digit of a scanned WICED value (None = NOT_SET)."""
    if value == 0:
        return 0
    if value & WEP:
        return 1
    if value & WPA2 and value & ENT:
        return 5
    if value & WPA and value & ENT:
        return 4
    if value & WPA:
        return 2
    if value & WPA2:
        return 3
    return None


def cipher_type(value: int) -> int | None:
    """toCipherType: AES wins over TKIP; None = NOT_SET."""
    if value & AES:
        return 1
    if value & TKIP:
        return 2
    return None


@dataclass
class SavedCredentials:
    ssid: bytes
    security: int
    cipher: int | None
    password: bytes | None = None
    eap_type: int | None = None
    username: bytes | None = None
    outer_identity: bytes | None = None
    client_cert: bytes | None = None
    private_key: bytes | None = None
    root_ca: bytes | None = None


@dataclass
class ConsoleScript:
    """What the scripted device answers."""

    identify: bytes = b"Your device id is 3a0028000447343232363230\r\n"
    mac: bytes = b"6c:0b:84:aa:bb:cc"
    version: bytes = b"2.3.1"
    describe: bytes = PHOTON_DESCRIBE
    diagnostics: bytes = b'{"sys:uptime":42,"mem:free":51234,"net:rssi":{"err":-210}}'
    claimed: bool = False
    has_wifi: bool = True
    enterprise: bool = True
    scan: dict[bytes, int] = field(default_factory=dict)
    scan_delay: float = 0.0
    save_ok: bool = True


class ScriptedConsole:
    """Runs a :class:`ConsoleScript` on a pty; ``path`` is the slave for the client."""

    def __init__(self, script: ConsoleScript | None = None) -> None:
        self.script = script or ConsoleScript()
        self.commands: list[bytes] = []
        self.claim_code: bytes | None = None
        self.saved: list[SavedCredentials] = []
        self.listening = True
        self.listen_requests = 0
        self.received = bytearray()
        self._stop = threading.Event()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._last_speed = 9600

    def __enter__(self) -> ScriptedConsole:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._master)
        os.close(self._slave)

    # --- byte I/O ---------------------------------------------------------------------

    def line_speed(self) -> int:
        """The output speed the client last set on the slave (Linux termios2)."""
        raw = fcntl.ioctl(self._master, TCGETS2, bytes(44))
        return struct.unpack("<4IB19sII", raw)[-1]

    def _poll_speed(self) -> None:
        speed = self.line_speed()
        if speed != self._last_speed:
            self._last_speed = speed
            if speed == 28800:
                self.listen_requests += 1
                self.listening = True

    def _read_byte(self) -> int:
        while not self._stop.is_set():
            self._poll_speed()
            ready, _, _ = select.select([self._master], [], [], 0.01)
            if ready:
                data = os.read(self._master, 1)
                if data:
                    self.received += data
                    return data[0]
        raise SystemExit

    def _available(self) -> bytes:
        out = bytearray()
        while select.select([self._master], [], [], 0)[0]:
            chunk = os.read(self._master, 1024)
            if not chunk:
                break
            out += chunk
        self.received += out
        return bytes(out)

    def write(self, data: bytes) -> None:
        os.write(self._master, data)

    # --- line input (§3.3) --------------------------------------------------------------

    def read_line(self, max_len: int, flush: bool = True) -> bytes:
        line = bytearray()
        while True:
            c = self._read_byte()
            if len(line) == max_len or c in (0x0D, 0x0A):
                break
            if c in (0x08, 0x7F):
                if line:
                    line.pop()
                    self.write(bytes([c]))
                continue
            line.append(c)
            self.write(bytes([c]))
        self.write(b"\r\n")
        if flush:
            self._available()
        return bytes(line)

    def read_multiline(self, max_len: int) -> bytes:
        lines: list[bytes] = []
        while True:
            line = self.read_line(max_len, flush=False)
            if not line:
                break
            lines.append(line)
        self._available()
        return b"\r\n".join(lines)

    def _ask_digit(self, prompt: bytes, lowest: str, highest: str) -> int:
        while True:
            self.write(prompt)
            answer = self.read_line(1)
            if answer and lowest <= chr(answer[0]) <= highest:
                return answer[0] - 0x30

    # --- commands -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                command = self._read_byte()
                self.commands.append(bytes([command]))
                if self.listening:
                    self._handle(bytes([command]))
        except SystemExit:
            return

    def _handle(self, command: bytes) -> None:
        s = self.script
        if command == b"i":
            self.write(s.identify)
        elif command == b"m":
            self.write(b"Your device MAC address is\r\n" + s.mac + b"\r\n")
        elif command == b"v":
            self.write(b"system firmware version: " + s.version + b"\n\r\n")
        elif command == b"s":
            self.write(s.describe + b"\r\n")
        elif command == b"d":
            self.write(s.diagnostics + b"\r\n")
        elif command == b"c":
            self.write(b"Device claimed: " + (b"yes" if s.claimed else b"no") + b"\r\n")
        elif command == b"C":
            self._claim()
        elif command == b"w" and s.has_wifi:
            self._wifi()
        elif command == b"x":
            self.listening = False

    def _claim(self) -> None:
        self.write(b"Enter 63-digit claim code: ")
        code = self.read_line(63)
        if len(code) == 63:
            self.claim_code = code
            self.write(b"Claim code set to: " + code)
        else:
            self.write(b"Sorry, claim code is not 63 characters long. Claim code unchanged.")
        self.write(b"\r\n")

    def _wifi(self) -> None:
        s = self.script
        ssid = b""
        while not ssid:
            self.write(b"SSID: ")
            ssid = self.read_line(32)
        time.sleep(s.scan_delay)
        security: int | None = None
        cipher: int | None = None
        if ssid in s.scan:
            security = security_type(s.scan[ssid])
            cipher = cipher_type(s.scan[ssid])
        if security is None:
            if s.enterprise:
                prompt = (
                    b"Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2, "
                    b"4=WPA Enterprise, 5=WPA2 Enterprise: "
                )
                security = self._ask_digit(prompt, "0", "5")
            else:
                security = self._ask_digit(
                    b"Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: ", "0", "3"
                )
        if cipher is None:
            cipher = self._ask_digit(b"Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ", "1", "3")
        saved = SavedCredentials(ssid=ssid, security=security, cipher=cipher)
        if 1 <= security <= 3:
            self.write(b"Password: ")
            saved.password = self.read_line(64)
        elif security >= 4:
            saved.eap_type = self._ask_digit(b"EAP Type 0=PEAP/MSCHAPv2, 1=EAP-TLS: ", "0", "1")
            if saved.eap_type == 1:
                self.write(b"Client certificate in PEM format:\r\n")
                saved.client_cert = self.read_multiline(4095)
                self.write(b"Private key in PEM format:\r\n")
                saved.private_key = self.read_multiline(2047)
            else:
                self.write(b"Username: ")
                saved.username = self.read_line(64)
                self.write(b"Password: ")
                saved.password = self.read_line(64)
            self.write(b"Outer identity (optional): ")
            saved.outer_identity = self.read_line(64)
            self.write(b"Root CA in PEM format (optional):\r\n")
            saved.root_ca = self.read_multiline(4095)
        self.write(b"Thanks! Wait while I save those credentials...\r\n\r\n")
        if s.save_ok:
            self.saved.append(saved)
            self.write(
                b"Awesome. Now we'll connect!\r\n\r\n"
                b"If you see a pulsing cyan light, your device \r\n"
                b"has connected to the Cloud and is ready to go!\r\n\r\n"
                b"If your LED flashes red or you encounter any other problems,\r\n"
                b"visit https://www.particle.io/support to debug.\r\n\r\n"
                b"    Particle <3 you!\r\n\r\n"
            )
            self.listening = False
        else:
            self.write(b"Derp. Sorry, we couldn't save the credentials.\r\n\r\n")
