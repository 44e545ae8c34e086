"""The SoftAP set-up procedure, as Particle's clients run it, with a verified outcome.

device-id → public-key → claim code (if any) → scan-ap → configure-ap → connect-ap, then,
on a harken device, ``connect-status`` is polled (a new connection each time) until the
join attempt started by connect-ap has finished. A stock Device OS device does not know
``connect-status`` (no reply, HTTP 404; a harken device without it would answer
``{"r":-404}``): the outcome is then reported as not verifiable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from harken.protocol.softap.messages import ConnectStatus, ScanEntry
from harken.protocol.softap.security import (
    EAP_PEAP,
    eap_type_value,
    is_enterprise,
    security_label,
    takes_password,
)
from harken.softap.client import SoftApClient
from harken.softap.errors import (
    NoReply,
    Rejected,
    SoftApError,
    SoftApTimeout,
    SoftApUnreachable,
    is_unknown_command,
)

JOIN_TIMEOUT = 90.0
POLL_INTERVAL = 0.1

PasswordSource = str | Callable[[], str] | None
"""A password, a callable asked only when the network needs one, or None."""
Progress = Callable[[str], None]

FAILURE_TEXTS = {
    "wrong-password": "wrong password for {ssid!r}",
    "network-not-found": "network {ssid!r} not found",
    "timeout": "timed out joining {ssid!r}",
    "cancelled": "joining {ssid!r} was cancelled (the device went back to listening mode)",
}


def join_failure_message(ssid: str, reason: str | None) -> str:
    """What a failed join means, for people."""
    template = FAILURE_TEXTS.get(reason or "", "joining {ssid!r} failed ({reason})")
    return template.format(ssid=ssid, reason=reason or "no reason given")


@dataclass(frozen=True)
class NetworkChoice:
    """Security and channel to configure, and the scan entry they came from (if any)."""

    security: int
    channel: int
    seen: ScanEntry | None


def resolve_network(
    scan: Sequence[ScanEntry], ssid: str, security: int | None, channel: int | None
) -> NetworkChoice:
    """Fill in what was not given from the device's scan (the strongest entry of the SSID),
    as Particle's clients do. SoftApError if the security is needed but the SSID is unseen."""
    entries = [e for e in scan if e.ssid == ssid]
    seen = max(entries, key=lambda e: e.rssi) if entries else None
    if security is None:
        if seen is None:
            raise SoftApError(
                f"network {ssid!r} is not in the device's scan; give its security "
                "(e.g. --security wpa2_aes) to configure it anyway"
            )
        security = seen.security
    if channel is None:
        channel = seen.channel if seen is not None else 0
    return NetworkChoice(security & 0xFFFFFFFF, channel, seen)


@dataclass(frozen=True)
class Enterprise:
    """WPA/WPA2 Enterprise material (PEAP: inner identity + password; TLS: cert + key)."""

    eap_type: str | int | None = None
    inner_identity: str | None = None
    outer_identity: str | None = None
    ca_pem: str | None = field(default=None, repr=False)
    client_cert_pem: str | None = field(default=None, repr=False)
    private_key_pem: str | None = field(default=None, repr=False)

    def needs_password(self) -> bool:
        if self.eap_type is None:
            return self.client_cert_pem is None
        return eap_type_value(self.eap_type) == EAP_PEAP


def needs_password(security: int, enterprise: Enterprise | None) -> bool:
    """Whether joining a network of ``security`` takes a password."""
    if is_enterprise(security):
        return (enterprise or Enterprise()).needs_password()
    return takes_password(security)


def resolve_password(source: PasswordSource, needed: bool) -> str | None:
    """The password to send: asked from a callable only when ``needed``."""
    if callable(source):
        return source() if needed else None
    return source


def configure(
    client: SoftApClient,
    ssid: str,
    choice: NetworkChoice,
    password: str | None,
    enterprise: Enterprise | None = None,
) -> None:
    """configure-ap with the resolved choice (and enterprise material, if any)."""
    extra = enterprise or Enterprise()
    client.configure(
        ssid,
        security=choice.security,
        channel=choice.channel,
        password=password,
        eap_type=extra.eap_type,
        inner_identity=extra.inner_identity,
        outer_identity=extra.outer_identity,
        ca_pem=extra.ca_pem,
        client_cert_pem=extra.client_cert_pem,
        private_key_pem=extra.private_key_pem,
    )


@dataclass(frozen=True)
class SetupRequest:
    """What to set up. ``security``/``channel`` None: taken from the device's scan."""

    ssid: str
    password: PasswordSource = field(default=None, repr=False)
    security: int | None = None
    channel: int | None = None
    claim_code: str | None = field(default=None, repr=False)
    enterprise: Enterprise | None = None
    join_timeout: float = JOIN_TIMEOUT
    poll_interval: float = POLL_INTERVAL


@dataclass(frozen=True)
class SetupOutcome:
    """How the set-up ended. ``verified`` False: the device cannot report its join (stock
    Device OS), ``joined`` is then None. ``reason`` for a failed join: the device's
    (``wrong-password``, ``network-not-found``, ``timeout``) or ``no-outcome`` when none
    arrived within the join timeout."""

    device_id: str
    claimed: bool
    ssid: str
    security: int
    channel: int
    claim_code_set: bool
    verified: bool
    joined: bool | None
    reason: str | None = None
    attempt: int | None = None

    @property
    def security_name(self) -> str:
        return security_label(self.security)

    @property
    def ok(self) -> bool:
        """Success as far as can be told: joined, or not verifiable."""
        return self.joined is not False

    @property
    def message(self) -> str:
        if not self.verified:
            return (
                f"credentials for {self.ssid!r} stored and connect-ap sent; this device "
                "cannot report whether it joined (it does not know connect-status)"
            )
        if self.joined:
            return f"the device joined {self.ssid!r}"
        if self.reason == "no-outcome":
            return f"timed out joining {self.ssid!r} (no outcome reported in time)"
        return join_failure_message(self.ssid, self.reason)


def _quiet(message: str) -> None:
    pass


def run_setup(
    client: SoftApClient,
    request: SetupRequest,
    progress: Progress = _quiet,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SetupOutcome:
    """Run the whole set-up; raise SoftApError subclasses when a step fails, return the
    outcome of the join (failed joins are an outcome, not an exception)."""
    info = client.device_info()
    progress(f"device-id     {info.device_id} ({'claimed' if info.claimed else 'not claimed'})")
    key = client.public_key()
    progress(f"public-key    RSA-{key.key_size}")
    if request.claim_code is not None:
        client.set_claim_code(request.claim_code)
        progress("set           claim code stored")
    scan = client.scan()
    progress(f"scan-ap       {len(scan)} access points")
    choice = resolve_network(scan, request.ssid, request.security, request.channel)
    password = resolve_password(
        request.password, needs_password(choice.security, request.enterprise)
    )
    configure(client, request.ssid, choice, password, request.enterprise)
    progress(
        f"configure-ap  {request.ssid!r} stored ({security_label(choice.security)}, "
        f"channel {choice.channel})"
    )
    try:
        before: ConnectStatus | None = client.connect_status()
    except (NoReply, Rejected) as exc:
        if not is_unknown_command(exc):
            raise
        before = None
    client.connect()
    progress(f"connect-ap    the device joins {request.ssid!r}")
    outcome = {
        "device_id": info.device_id,
        "claimed": info.claimed,
        "ssid": request.ssid,
        "security": choice.security,
        "channel": choice.channel,
        "claim_code_set": request.claim_code is not None,
    }
    if before is None:
        return SetupOutcome(**outcome, verified=False, joined=None)
    status = wait_for_join(client, before.attempt, request, progress, clock=clock, sleep=sleep)
    if status is None:
        return SetupOutcome(**outcome, verified=True, joined=False, reason="no-outcome")
    return SetupOutcome(
        **outcome,
        verified=True,
        joined=status.state == "connected",
        reason=status.reason if status.state == "failed" else None,
        attempt=status.attempt,
    )


def wait_for_join(
    client: SoftApClient,
    after_attempt: int,
    request: SetupRequest,
    progress: Progress = _quiet,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ConnectStatus | None:
    """Poll connect-status until an attempt newer than ``after_attempt`` has finished;
    None if none did within ``request.join_timeout``. Connection failures while polling
    (the device busy, or its SoftAP restarting) are retried."""
    deadline = clock() + request.join_timeout
    reported = ""
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            return None
        try:
            status = client.connect_status(timeout=min(client.timeout, remaining))
        except (SoftApUnreachable, SoftApTimeout, NoReply):
            status = None
        if status is not None and status.attempt > after_attempt:
            if status.finished:
                return status
            if status.state != reported:
                reported = status.state
                progress(f"connect-status attempt {status.attempt}: {status.state}")
        sleep(min(request.poll_interval, max(deadline - clock(), 0)))
