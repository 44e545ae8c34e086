"""Does the device still answer? ``i`` on the console, ``device-id`` over SoftAP; and the
moves that bring a console back to its command level after a case left it mid-dialogue,
mid-transfer or outside listening mode."""

from __future__ import annotations

import re
import socket
import time

from harken.fuzz.pace import Pace
from harken.fuzz.wire import SoftApEndpoint, read_quiet
from harken.protocol import console as texts
from harken.protocol.softap import framing
from harken.transport.discovery import enter_listening_mode
from harken.transport.serial_port import ReadTimeout, SerialPort, TransportError

ID_LINE = re.compile(rb"(?:Your device id is |Device ID: )([0-9a-f]{24})\r\n")
SOFTAP_ID = re.compile(rb'"id"\s*:\s*"([0-9A-Fa-f]{24})"')
RECEIVER_FLUSH = b"\x00" * 1030
"""Completes any half-sent YMODEM packet (1029 bytes at most); the NULs after it are errors
that end the session (a NUL is also ignored by the console and ends no dialogue)."""
LINE_ANSWER = b"1\n"
"""Moves every one-line prompt on without storing anything: SSID "1" (no network in sight),
WEP, AES, a 1-character key (refused), EAP-TLS, a 1-character claim code (refused)."""
BLOCK_ANSWER = b"\n"
"""Ends a PEM block (after at most one partial line); a certificate that is not one is
taken as absent, and the enterprise save then fails."""
ONE_LINE_PROMPTS = (
    texts.SSID_PROMPT, texts.SECURITY_PROMPT, texts.SECURITY_PROMPT_BASIC, texts.CIPHER_PROMPT,
    texts.PASSWORD_PROMPT, texts.EAP_TYPE_PROMPT, texts.USERNAME_PROMPT,
    texts.OUTER_IDENTITY_PROMPT, texts.CLAIM_PROMPT,
)  # fmt: skip
BLOCK_PROMPTS = (texts.CLIENT_CERT_PROMPT, texts.PRIVATE_KEY_PROMPT, texts.ROOT_CA_PROMPT)
ESCAPE_STEPS = 24
TRICK_SETTLES = (0.05, 0.3, 1.0)


def console_id(port: SerialPort, timeout: float) -> str | None:
    """Send ``i``; the device id it answers with, or None."""
    try:
        port.write(b"i")
        _, line = port.read_until_any((b"\r\n",), timeout)
        while (match := ID_LINE.search(line)) is None:
            _, more = port.read_until_any((b"\r\n",), timeout)
            line = line[-64:] + more
    except (ReadTimeout, TransportError):
        return None
    return match.group(1).decode()


def last_prompt(said: bytes) -> bytes | None:
    """The prompt the console asked last in ``said``, if any."""
    best, at = None, -1
    for prompt in (*ONE_LINE_PROMPTS, *BLOCK_PROMPTS):
        position = said.rfind(prompt)
        if position > at:
            best, at = prompt, position
    return best


def escape_dialogue(
    port: SerialPort, pace: Pace, context: bytes, *, flush_receiver: bool, force: bool = False
) -> bytes:
    """Bring the console back to its command level after a case whose console output was
    ``context``; return everything the console said meanwhile. Nothing is sent unless a
    prompt was seen, the YMODEM receiver may be running (``flush_receiver``), or ``force``."""
    said = bytearray()
    prompt = last_prompt(context)
    if prompt is None and not flush_receiver and not force:
        return b""
    try:
        if flush_receiver:
            port.write(RECEIVER_FLUSH)
            said += read_quiet(port, pace)
            prompt = last_prompt(bytes(said)) or prompt
        for _ in range(ESCAPE_STEPS):
            port.write(BLOCK_ANSWER if prompt in BLOCK_PROMPTS else LINE_ANSWER)
            heard = read_quiet(port, pace)
            if not heard:
                break
            said += heard
            prompt = last_prompt(heard) or prompt
    except TransportError:
        pass
    return bytes(said)


def reenter_listening(port: SerialPort, pace: Pace) -> str | None:
    """The 28800-baud trick (the case may have sent ``x`` or saved credentials); the id
    the console then answers with, or None."""
    for settle in TRICK_SETTLES:
        try:
            port.close()
            enter_listening_mode(port.url, settle=settle)
            port.open()
        except TransportError:
            continue
        read_quiet(port, pace)
        found = console_id(port, min(pace.probe_timeout, 2.0 + settle))
        if found is not None:
            read_quiet(port, pace)
            port.discard_input()
            return found
    return None


def softap_id(endpoint: SoftApEndpoint, timeout: float) -> str | None:
    """``device-id`` over the simple protocol; the id (lower case), or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((endpoint.host, endpoint.tcp_port), timeout) as sock:
                sock.sendall(framing.encode_request("device-id"))
                reply = bytearray()
                sock.settimeout(timeout)
                while chunk := sock.recv(4096):
                    reply += chunk
            match = SOFTAP_ID.search(reply)
            if match:
                return match.group(1).decode().lower()
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)
