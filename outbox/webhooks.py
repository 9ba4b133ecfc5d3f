"""A signed webhook POST: the body JSON, signed as the Standard Webhooks specification
defines, so that a receiver verifies it with the `standardwebhooks` libraries:
`webhook-id` (the dispatch's idempotency key, the same on every attempt of one message),
`webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`. The key is the receiver's signing secret: a `whsec_<base64>`
secret is the base64-decoded bytes, as the specification says; an older plain secret `s` is
its own bytes (a library is given `whsec_` + base64(s)). The headers of earlier releases
(`Idempotency-Key`, `X-SLRT-Timestamp`, `X-SLRT-Signature: sha256=<hex>` of
"<timestamp>.<body>") are still sent, for one release.

The address is checked again at every attempt, after resolving its name once, and the POST
goes to the checked address (no DNS rebinding); redirects are not followed (a 3xx is a failed
attempt), and one attempt takes at most `WEBHOOK_TIMEOUT_SECONDS` in all.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import http.client
import socket
import ssl
import threading
import time

from django.conf import settings

from outbox.delivery import ADDRESS_REFUSED, TIMED_OUT, UNREACHABLE, AttemptFailed
from programs.webhook_urls import WebhookAddressError, resolve_webhook_address, webhook_target


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature of earlier releases (`X-SLRT-Signature`), sent for one more release."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def standard_webhooks_key(secret: str) -> bytes:
    """The HMAC key of a signing secret: `whsec_<base64>` is its decoded bytes, as the
    Standard Webhooks specification defines; any other secret is its own UTF-8 bytes."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_") + "==")
        except (binascii.Error, ValueError):
            pass
    return secret.encode()


def standard_webhooks_signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + body
    digest = hmac.new(standard_webhooks_key(secret), signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode()}"


def signed_headers(secret: str, message_id: str, body: bytes, timestamp: str) -> dict[str, str]:
    """The headers of one POST of `body`: `message_id` is the same on every attempt of one
    message, so that receivers dedupe."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "SLRT",
        "webhook-id": message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": standard_webhooks_signature(secret, message_id, timestamp, body),
        # Deprecated, sent for one more release: the headers of earlier releases.
        "Idempotency-Key": message_id,
        "X-SLRT-Timestamp": timestamp,
        "X-SLRT-Signature": signature(secret, timestamp, body),
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """A connection to one checked IP address, whatever the host name resolves to now; the
    Host header (and, for https, SNI and the certificate's name) stay the name's."""

    def __init__(self, host: str, port: int, *, address: str, deadline: float):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self.address, self.deadline = address, deadline

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (self.address, self.port), timeout=_remaining(self.deadline)
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(_remaining(self.deadline))
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the attempt's deadline passed")
    return left


def _cut(connection: http.client.HTTPConnection) -> None:
    """At the deadline: end the connection, whatever it is waiting for (a receiver that
    trickles its answer a byte at a time resets every per-read timeout)."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def webhook_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url` once, within `WEBHOOK_TIMEOUT_SECONDS` in all, and return the
    answer's status. The name is resolved once and every address checked; the POST goes to
    a checked address. Raises `AttemptFailed`."""
    deadline = time.monotonic() + settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        target = webhook_target(url)
        addresses = resolve_webhook_address(target)
    except WebhookAddressError as error:
        raise AttemptFailed(ADDRESS_REFUSED, str(error)) from error
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    errors = []
    for address in addresses:
        if time.monotonic() >= deadline:
            raise AttemptFailed(TIMED_OUT, "; ".join(errors) or "the deadline passed")
        connection = kind(target.host, target.port, address=address, deadline=deadline)
        timer = threading.Timer(max(deadline - time.monotonic(), 0), _cut, args=[connection])
        timer.daemon = True
        timer.start()
        try:
            connection.connect()
        except OSError as error:  # this address does not answer: the next one may
            errors.append(f"{address}: {type(error).__name__}: {error}")
            timer.cancel()
            connection.close()
            if time.monotonic() >= deadline or isinstance(error, TimeoutError):
                raise AttemptFailed(TIMED_OUT, "; ".join(errors)) from error
            continue
        try:
            connection.sock.settimeout(_remaining(deadline))
            connection.request("POST", target.path, body=body, headers=headers)
            return connection.getresponse().status
        except (OSError, http.client.HTTPException) as error:
            detail = f"{address}: {type(error).__name__}: {error}"
            if time.monotonic() >= deadline or isinstance(error, TimeoutError):
                raise AttemptFailed(TIMED_OUT, detail) from error
            raise AttemptFailed(UNREACHABLE, detail) from error
        finally:
            timer.cancel()
            connection.close()
    raise AttemptFailed(UNREACHABLE, "; ".join(errors))
