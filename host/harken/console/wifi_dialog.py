"""The ``w`` Wi-Fi credential dialog, driven prompt by prompt.

The device asks only what it cannot work out from its own scan, so the host reacts to each
prompt as it appears and answers with ``text + "\\n"`` only after seeing it. After each answer
the device echoes the text and prints CRLF; that echo is consumed before looking for the next
prompt, so an SSID or password that contains prompt text cannot confuse the dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from harken.console.errors import ConsoleTimeout, WifiDialogError, WifiSaveFailed
from harken.protocol import console as texts
from harken.transport.serial_port import ReadTimeout, SerialPort

log = logging.getLogger(__name__)

SECURITY_CHOICES = tuple(texts.SECURITY_DIGITS)
CIPHER_CHOICES = tuple(texts.CIPHER_DIGITS)
EAP_TYPE_CHOICES = tuple(texts.EAP_TYPE_DIGITS)
ENTERPRISE = ("wpa-enterprise", "wpa2-enterprise")
PASSWORD_SECURITIES = ("wep", "wpa", "wpa2")

PasswordSource = str | Callable[[], str] | None
"""A password, a callable asked only when the device prompts for one, or None."""


@dataclass(frozen=True)
class WifiRequest:
    """What to answer in the ``w`` dialog. None means "let the device decide, or use the
    usual default if it asks" (security: WPA2 with a password, else open; cipher: AES;
    EAP type: EAP-TLS when a client certificate is given, else PEAP)."""

    ssid: str
    security: str | None = None
    cipher: str | None = None
    password: PasswordSource = field(default=None, repr=False)
    eap_type: str | None = None
    username: str | None = None
    outer_identity: str | None = None
    client_cert_pem: str | None = field(default=None, repr=False)
    private_key_pem: str | None = field(default=None, repr=False)
    root_ca_pem: str | None = field(default=None, repr=False)

    def validate(self) -> None:
        """Reject answers the device's line reader cannot take (without quoting them)."""
        _check_line("SSID", self.ssid, texts.SSID_MAX, allow_empty=False)
        if self.security is not None and self.security not in SECURITY_CHOICES:
            raise ValueError(f"security must be one of {', '.join(SECURITY_CHOICES)}")
        if self.cipher is not None and self.cipher not in CIPHER_CHOICES:
            raise ValueError(f"cipher must be one of {', '.join(CIPHER_CHOICES)}")
        if self.eap_type is not None and self.eap_type not in EAP_TYPE_CHOICES:
            raise ValueError(f"EAP type must be one of {', '.join(EAP_TYPE_CHOICES)}")
        if isinstance(self.password, str):
            _check_line("password", self.password, texts.PASSWORD_MAX)
        if self.username is not None:
            _check_line("username", self.username, texts.IDENTITY_MAX)
        if self.outer_identity is not None:
            _check_line("outer identity", self.outer_identity, texts.IDENTITY_MAX)
        for what, pem, max_bytes in (
            ("client certificate", self.client_cert_pem, texts.PEM_BLOCK_MAX),
            ("private key", self.private_key_pem, texts.PRIVATE_KEY_BLOCK_MAX),
            ("root CA", self.root_ca_pem, texts.PEM_BLOCK_MAX),
        ):
            if pem is not None:
                _check_pem(what, pem, max_bytes)
        if self.security in PASSWORD_SECURITIES and self.password is None:
            raise ValueError(f"a password is needed for {self.security.upper()} networks")
        if self.security in ENTERPRISE:
            if self.effective_eap_type == "tls":
                if not self.client_cert_pem or not self.private_key_pem:
                    raise ValueError("EAP-TLS needs a client certificate and a private key")
            elif self.username is None or self.password is None:
                raise ValueError("PEAP needs a username and a password")

    @property
    def effective_eap_type(self) -> str:
        """The EAP type to answer with."""
        if self.eap_type is not None:
            return self.eap_type
        return "tls" if self.client_cert_pem else "peap"

    @property
    def wants_enterprise(self) -> bool:
        """Enterprise was asked for, explicitly or through enterprise-only fields."""
        return self.security in ENTERPRISE or (
            self.security is None
            and (self.username is not None or self.client_cert_pem is not None)
        )


@dataclass(frozen=True)
class WifiResult:
    """Outcome of a completed dialog: the prompts seen, in order (``ssid``, ``security``,
    ``cipher``, ``password``, ``eap-type``, ``username``, ``outer-identity``,
    ``client-cert``, ``private-key``, ``root-ca``)."""

    prompts: tuple[str, ...]


def pem_lines(pem: str) -> list[str]:
    """Non-blank lines of a PEM block, stripped (an empty line ends the device's input)."""
    return [line.strip() for line in pem.splitlines() if line.strip()]


def _check_line(what: str, value: str, max_bytes: int, allow_empty: bool = True) -> None:
    raw = value.encode("utf-8")
    if not raw and not allow_empty:
        raise ValueError(f"{what} must not be empty")
    if len(raw) > max_bytes:
        raise ValueError(f"{what} is longer than the device accepts ({max_bytes} bytes)")
    if any(b in texts.FORBIDDEN_ANSWER_BYTES for b in raw):
        raise ValueError(f"{what} contains a line-ending, editing or NUL character")


def _check_pem(what: str, pem: str, max_bytes: int) -> None:
    # A block that fills the device's buffer ends early and the lines after it would be
    # taken as answers to the next prompts: refuse it before sending anything.
    lines = pem_lines(pem)
    for line in lines:
        _check_line(what, line, max_bytes)
    size = sum(len(line.encode("utf-8")) + len(texts.LINE_END) for line in lines)
    if size > max_bytes:
        raise ValueError(
            f"{what} is longer than the device accepts ({max_bytes} bytes with line ends)"
        )


def _trimmed(prompt: bytes) -> bytes:
    # Match like particle-cli: by prefix, without the trailing space.
    return prompt.rstrip(b" ")


# (event name, bytes that announce it). PEM prompts keep their CRLF so the line echo count
# that follows starts clean.
EVENTS: tuple[tuple[str, bytes], ...] = (
    ("ssid", _trimmed(texts.SSID_PROMPT)),
    ("security", _trimmed(texts.SECURITY_PROMPT)),
    ("security-basic", _trimmed(texts.SECURITY_PROMPT_BASIC)),
    ("cipher", _trimmed(texts.CIPHER_PROMPT)),
    ("password", _trimmed(texts.PASSWORD_PROMPT)),
    ("eap-type", _trimmed(texts.EAP_TYPE_PROMPT)),
    ("username", _trimmed(texts.USERNAME_PROMPT)),
    ("outer-identity", _trimmed(texts.OUTER_IDENTITY_PROMPT)),
    ("client-cert", texts.CLIENT_CERT_PROMPT),
    ("private-key", texts.PRIVATE_KEY_PROMPT),
    ("root-ca", texts.ROOT_CA_PROMPT),
    ("saved", texts.WIFI_SAVED_MARK),
    ("saved", texts.LEGACY_WIFI_SAVED_MARK),
    ("save-failed", texts.WIFI_SAVE_FAILED.rstrip(b"\r\n")),
    ("save-failed", texts.ENTERPRISE_PREP_FAILED.rstrip(b"\r\n")),
)
_EVENT_BYTES = tuple(pattern for _, pattern in EVENTS)
_STUCK = "the device is still waiting for an answer; reset it to end the dialog"
MAX_STEPS = 32


class WifiDialog:
    """One run of the ``w`` dialog over an open console port."""

    def __init__(
        self,
        port: SerialPort,
        request: WifiRequest,
        *,
        prompt_timeout: float,
        step_timeout: float,
    ) -> None:
        request.validate()
        self._port = port
        self._request = request
        self._prompt_timeout = prompt_timeout
        self._step_timeout = step_timeout
        self._seen: list[str] = []

    def run(self) -> WifiResult:
        """Send ``w`` and answer every prompt; raise on failure."""
        self._port.discard_input()
        self._port.write(texts.CMD_WIFI)
        for _ in range(MAX_STEPS):
            event = self._next_event()
            log.debug("wifi dialog: %s", event)
            if event == "saved":
                self._read_tail()
                return WifiResult(prompts=tuple(self._seen))
            if event == "save-failed":
                raise WifiSaveFailed("the device could not save the Wi-Fi credentials")
            self._seen.append(event)
            self._answer_prompt(event)
        raise WifiDialogError(f"the dialog did not finish within {MAX_STEPS} prompts")

    def _next_event(self) -> str:
        first = not self._seen
        timeout = self._prompt_timeout if first else self._step_timeout
        try:
            index, _ = self._port.read_until_any(_EVENT_BYTES, timeout)
        except ReadTimeout:
            if first:
                raise ConsoleTimeout(
                    f"no 'SSID:' prompt within {timeout:.1f} s: the device is not in "
                    "listening mode, or its console has no Wi-Fi dialog (Electron)"
                ) from None
            raise ConsoleTimeout(
                f"no prompt or result within {timeout:.1f} s after answering '{self._seen[-1]}'"
            ) from None
        return EVENTS[index][0]

    def _read_tail(self) -> None:
        try:
            self._port.read_until(b"\r\n\r\n", timeout=1.0)
        except ReadTimeout:
            pass

    def _answer_prompt(self, event: str) -> None:
        request = self._request
        if event == "ssid":
            self._answer(request.ssid)
        elif event in ("security", "security-basic"):
            self._answer(self._security_digit(enterprise_offered=event == "security"))
        elif event == "cipher":
            self._answer(texts.CIPHER_DIGITS[request.cipher or "aes"])
        elif event == "password":
            self._answer(self._password())
        elif event == "eap-type":
            self._answer(texts.EAP_TYPE_DIGITS[request.effective_eap_type])
        elif event == "username":
            if request.username is None:
                raise WifiDialogError(f"the device asks for a PEAP username; {_STUCK}")
            self._answer(request.username)
        elif event == "outer-identity":
            self._answer(request.outer_identity or "")
        elif event == "client-cert":
            self._answer_pem(request.client_cert_pem, "client certificate", required=True)
        elif event == "private-key":
            self._answer_pem(request.private_key_pem, "private key", required=True)
        elif event == "root-ca":
            self._answer_pem(request.root_ca_pem, "root CA", required=False)

    def _security_digit(self, enterprise_offered: bool) -> str:
        request = self._request
        security = request.security
        if security is None:
            if request.wants_enterprise:
                security = "wpa2-enterprise"
            else:
                security = "wpa2" if request.password is not None else "open"
        if security in ENTERPRISE and not enterprise_offered:
            raise WifiDialogError(
                f"the device's firmware offers no WPA Enterprise choice; {_STUCK}"
            )
        return texts.SECURITY_DIGITS[security]

    def _password(self) -> str:
        source = self._request.password
        if source is None:
            raise WifiDialogError(f"the device asks for a password but none was given; {_STUCK}")
        password = source() if callable(source) else source
        _check_line("password", password, texts.PASSWORD_MAX)
        return password

    def _answer(self, text: str) -> None:
        self._port.write(text.encode("utf-8") + texts.ANSWER_END)
        self._consume_echo()

    def _consume_echo(self) -> None:
        try:
            self._port.read_until(texts.LINE_END, self._step_timeout)
        except ReadTimeout:
            raise ConsoleTimeout(
                f"the device did not acknowledge the answer to '{self._seen[-1]}' "
                f"within {self._step_timeout:.1f} s"
            ) from None

    def _answer_pem(self, pem: str | None, what: str, required: bool) -> None:
        if pem is None and required:
            raise WifiDialogError(f"the device asks for a {what} but none was given; {_STUCK}")
        for line in pem_lines(pem or ""):
            self._answer(line)
        self._answer("")
