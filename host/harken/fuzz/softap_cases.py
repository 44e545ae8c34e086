"""SoftAP cases: the command set over the simple protocol (TCP) and HTTP, well-formed,
with hostile JSON bodies and RSA ciphertexts, and with broken framing (softap.md §2-§7)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from harken.fuzz.byte_mutations import mutate_bytes, random_splits
from harken.fuzz.case import FuzzCase, Message, case_random_seed
from harken.fuzz.hostile_json import (
    CONFIGURE_KEYS,
    SET_KEYS,
    broken_json,
    hostile_object,
    hostile_string,
)
from harken.fuzz.rsa_payloads import DeviceKey, bad_ciphertext, good_ciphertext

COMMANDS = (
    "version", "device-id", "scan-ap", "public-key", "set", "configure-ap", "connect-ap",
    "connect-status", "ant-internal", "ant-external", "ant-auto",
)  # fmt: skip
QUIET_COMMANDS = ("version", "device-id", "public-key", "connect-status", "scan-ap")
CLAIM_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="
WICED_SECURITY = (0, 1, 0x8001, 0x00200002, 0x00200004, 0x00400004, 0x00400006, 0x02400004)


@dataclass(frozen=True)
class SoftApModel:
    """What the generator knows about the device: its key (for real ciphertexts), the
    SSIDs its radio sees, and whether ``connect-ap`` may be sent (a stock device leaves
    listening mode on it, taking the AP down)."""

    key: DeviceKey | None = None
    ssids: tuple[str, ...] = ()
    connect: bool = True


def tcp_frame(name: bytes, body: bytes, length: bytes | None = None) -> bytes:
    declared = str(len(body)).encode() if length is None else length
    return name + b"\n" + declared + b"\n\n" + body


def http_frame(
    method: str,
    path: str,
    body: bytes | None,
    *,
    version: str = "HTTP/1.1",
    headers: tuple[str, ...] = (),
    close: bool = True,
    eol: str = "\r\n",
) -> bytes:
    lines = [f"{method} {path} {version}", "Host: 192.168.0.1", *headers]
    if close:
        lines.append("Connection: close")
    if body is not None:
        lines += [f"Content-Length: {len(body)}", "Content-Type: application/x-www-form-urlencoded"]
    return (eol.join(lines) + eol + eol).encode("latin-1", "replace") + (body or b"")


class SoftApCases:
    """Generates SoftAP cases from a seed."""

    target = "softap"

    def __init__(self, seed: int, model: SoftApModel) -> None:
        self.seed = seed
        self.model = model

    def case(self, index: int) -> FuzzCase:
        rng = random.Random(case_random_seed(self.seed, index))
        count = rng.choice((1, 1, 2, 3, 4, 6))
        messages = tuple(self.message(rng) for _ in range(count))
        return FuzzCase(self.target, self.seed, index, messages)

    # --- one message ------------------------------------------------------------------

    def message(self, rng: random.Random) -> Message:
        channel = "http" if rng.random() < 0.4 else "tcp"
        roll = rng.random()
        if roll < 0.25:
            name, body, note = self.valid_request(rng)
        elif roll < 0.6:
            name, body, note = self.hostile_body(rng)
        else:
            return self.broken_framing(rng, channel)
        data = self.frame(rng, channel, name, body)
        if rng.random() < 0.1:
            data, note = mutate_bytes(rng, data, rng.randint(1, 4)), note + ", mutated"
        return self.sent(rng, channel, data, note)

    def sent(self, rng: random.Random, channel: str, data: bytes, note: str) -> Message:
        """How the bytes go out: whole, or in pieces a few ms apart (slowloris within bounds)."""
        if rng.random() < 0.2:
            return Message(
                channel, data, random_splits(rng, len(data)), rng.choice((1, 2, 5, 20)),
                half_close=rng.random() < 0.3, note=note + ", partial sends",
            )  # fmt: skip
        return Message(channel, data, half_close=rng.random() < 0.1, note=note)

    def frame(self, rng: random.Random, channel: str, name: str, body: bytes | None) -> bytes:
        if channel == "tcp":
            return tcp_frame(name.encode(), body or b"")
        method = "POST" if body is not None else rng.choice(("GET", "GET", "POST", "PUT"))
        return http_frame(method, "/" + name, body, close=rng.random() < 0.8)

    def valid_request(self, rng: random.Random) -> tuple[str, bytes | None, str]:
        pick = rng.randrange(6)
        if pick == 0:
            code = "".join(rng.choice(CLAIM_ALPHABET) for _ in range(63))
            return "set", json.dumps({"k": "cc", "v": code}).encode(), "set: valid claim code"
        if pick == 1:
            return "configure-ap", self.valid_configure(rng), "configure-ap: valid"
        if pick == 2 and self.model.connect:
            return "connect-ap", rng.choice((None, b"{}", b'{"idx":0}')), "connect-ap"
        name = rng.choice(QUIET_COMMANDS)
        return name, None, name

    def valid_configure(self, rng: random.Random) -> bytes:
        ssid = rng.choice((*self.model.ssids, "FuzzNet", "x" * 32))
        fields: dict[str, object] = {"idx": 0, "ssid": ssid}
        if rng.random() < 0.3:
            fields.update(sec=0, ch=rng.randrange(1, 14))
        else:
            passphrase = rng.randbytes(rng.randint(4, 40)).hex()[: rng.randint(8, 64)]
            key = self.model.key
            fields.update(
                sec=rng.choice((0x00400004, 0x00200002, 1)),
                ch=rng.randrange(1, 14),
                pwd=good_ciphertext(rng, key, passphrase.encode())
                if key
                else bad_ciphertext(rng, key, b""),
            )
        return json.dumps(fields, separators=(",", ":")).encode()

    def hostile_body(self, rng: random.Random) -> tuple[str, bytes | None, str]:
        pick = rng.randrange(6)
        if pick == 0:
            return self.hostile_configure_pwd(rng)
        name = rng.choice(("configure-ap", "set", "configure-ap", "set", *COMMANDS))
        if name == "connect-ap" and not self.model.connect:
            name = "set"
        keys = SET_KEYS if name == "set" else CONFIGURE_KEYS
        text = hostile_object(rng, keys)
        if pick == 1:
            text = broken_json(rng, text)
        elif pick == 2:
            text = rng.choice(("", " ", "[]", "null", '"x"', "1", "{}", "{" * 5000))
        body = text.encode("utf-8", "surrogatepass")
        if pick == 3:
            body = rng.randbytes(rng.choice((1, 16, 300, 8192, 8193)))
        return name, body, f"{name}: hostile body"

    def hostile_configure_pwd(self, rng: random.Random) -> tuple[str, bytes, str]:
        key = self.model.key
        secret = rng.randbytes(rng.randint(0, 80))
        if key and rng.random() < 0.3:
            pwd = good_ciphertext(rng, key, secret[: key.size - 11])
            what = "good ciphertext of odd bytes"
        else:
            pwd, what = bad_ciphertext(rng, key, secret), "bad ciphertext"
        fields = [f'"ssid":"{rng.choice((*self.model.ssids, "FuzzNet", ""))}"', f'"pwd":"{pwd}"']
        fields.append(f'"sec":{rng.choice(WICED_SECURITY)}')
        if rng.random() < 0.3:
            fields += [f'"eap":{rng.choice((13, 25, 0, -1))}', f'"ek":"{pwd}"']
            fields.append(f'"key":"{rng.randbytes(rng.choice((16, 17, 64))).hex()}"')
            fields.append(f'"crt":"{hostile_string(rng)}"')
        rng.shuffle(fields)
        return "configure-ap", ("{" + ",".join(fields) + "}").encode(), f"configure-ap: {what}"

    def broken_framing(self, rng: random.Random, channel: str) -> Message:
        if channel == "tcp":
            data, note = self.broken_tcp(rng)
        else:
            data, note = self.broken_http(rng)
        return self.sent(rng, channel, data, note)

    def broken_tcp(self, rng: random.Random) -> tuple[bytes, str]:
        name = rng.choice(COMMANDS).encode()
        body = b'{"k":"cc","v":"x"}'
        pick = rng.randrange(9)
        if pick == 0:
            bad = rng.choice((b"", b"x" * 30, b"x" * 300, b"dev\rice-id", b"version\x00", b" "))
            return tcp_frame(bad, b""), "tcp: bad name"
        if pick == 1:
            length = rng.choice(
                (b"-1", b"+5", b" 5", b"5\r", b"999999", b"99999", b"8193", b"0x10", b"1e3", b"")
            )
            return tcp_frame(name, body, length), "tcp: bad length"
        if pick == 2:
            whole = tcp_frame(name, body, str(len(body) + rng.randint(1, 100)).encode())
            return whole, "tcp: body shorter than its length"
        if pick == 3:
            whole = tcp_frame(name, body)
            return whole[: rng.randrange(len(whole))], "tcp: truncated"
        if pick == 4:
            return rng.randbytes(rng.randint(1, 600)), "tcp: garbage"
        if pick == 5:
            return tcp_frame(name, b"") * rng.randint(2, 20), "tcp: several requests"
        if pick == 6:
            return name + b"\n0\n" + b"junk line\n" * rng.randint(
                1, 50
            ) + b"\n", "tcp: extra header"
        if pick == 7:
            return b"\n" * rng.randint(1, 5000), "tcp: only line feeds"
        return mutate_bytes(rng, tcp_frame(name, body), rng.randint(1, 8)), "tcp: mutated"

    def broken_http(self, rng: random.Random) -> tuple[bytes, str]:
        path = "/" + rng.choice((*COMMANDS, "", "index", "hello", "%00", "a" * 300, "../x"))
        method = rng.choice(("GET", "POST", "PUT", "OPTIONS", "DELETE", "HEAD", "GeT", "X" * 40))
        body = b'{"k":"cc","v":"x"}'
        pick = rng.randrange(9)
        if pick == 0:
            version = rng.choice(("HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "", "HTTP/9"))
            return http_frame(method, path, None, version=version), "http: odd request line"
        if pick == 1:
            headers = (
                "X-Long: " + "a" * rng.choice((255, 256, 257, 1000, 9000)),
                "Cookie: " + "c=1; " * rng.randint(1, 400),
            )
            return http_frame(method, path, body, headers=headers), "http: long headers"
        if pick == 2:
            length = rng.choice(("-1", "99999999999", "8193", "abc", "1, 2", "", " 5"))
            raw = http_frame(method, path, None, headers=(f"Content-Length: {length}",))
            return raw + body, "http: bad Content-Length"
        if pick == 3:
            headers = ("Transfer-Encoding: chunked",)
            return http_frame(method, path, None, headers=headers) + b"5\r\nhello\r\n0\r\n\r\n", (
                "http: chunked request"
            )
        if pick == 4:
            one = http_frame("GET", path, None, close=False)
            return one * rng.randint(2, 12), "http: pipelined"
        if pick == 5:
            whole = http_frame(method, path, body, headers=("Expect: 100-continue",))
            return whole[: rng.randrange(len(whole))], "http: truncated"
        if pick == 6:
            return http_frame(method, path, body, eol="\n"), "http: bare LF lines"
        if pick == 7:
            return rng.randbytes(rng.randint(1, 600)), "http: garbage"
        raw = http_frame(method, path, body, headers=("content-LENGTH: 3",))
        return mutate_bytes(rng, raw, rng.randint(1, 8)), "http: mutated"
