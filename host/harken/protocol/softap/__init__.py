"""The SoftAP setup protocol of the Photon and P1 (softap spec), pure codecs.

:mod:`~harken.protocol.softap.framing` (TCP request framing),
:mod:`~harken.protocol.softap.http_framing` (HTTP requests, responses, chunked bodies),
:mod:`~harken.protocol.softap.messages` (request bodies, reply models, result codes),
:mod:`~harken.protocol.softap.public_key` (the padded RSA key, password and key encryption),
:mod:`~harken.protocol.softap.security` (security names ↔ WICED values, EAP types).
"""

from harken.protocol.softap.format_errors import ReplyFormatError
from harken.protocol.softap.framing import DEFAULT_TCP_PORT, decode_request, encode_request
from harken.protocol.softap.http_framing import (
    DEFAULT_HTTP_PORT,
    dechunk,
    encode_http_request,
    parse_http_response,
)
from harken.protocol.softap.messages import (
    ConnectStatus,
    DeviceInfo,
    ScanEntry,
    encode_body,
    parse_scan,
    result_meaning,
)
from harken.protocol.softap.public_key import (
    PublicKeyError,
    decode_public_key,
    encrypt_private_key,
    encrypt_secret,
)
from harken.protocol.softap.security import security_label, security_value

__all__ = [
    "DEFAULT_HTTP_PORT",
    "DEFAULT_TCP_PORT",
    "ConnectStatus",
    "DeviceInfo",
    "PublicKeyError",
    "ReplyFormatError",
    "ScanEntry",
    "dechunk",
    "decode_public_key",
    "decode_request",
    "encode_body",
    "encode_http_request",
    "encode_request",
    "encrypt_private_key",
    "encrypt_secret",
    "parse_http_response",
    "parse_scan",
    "result_meaning",
    "security_label",
    "security_value",
]
