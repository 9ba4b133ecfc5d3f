"""Short messages to residents (SMS, WhatsApp) through the gateway `SLRT_SMS_GATEWAY` names.

- `console` (the default): the message is written to the log (`outbox.gateways`), nothing
  leaves the server; for the demo and development.
- `http`: one POST per attempt to `SLRT_SMS_GATEWAY_URL`, a JSON body
  `{"to": "+62…", "channel": "sms" | "whatsapp", "text": "…", "id": "<idempotency key>"}`,
  with `Authorization: Bearer <SLRT_SMS_GATEWAY_TOKEN>` and `Idempotency-Key: <id>` (the same
  on every attempt of one message, so that a provider, or the bridge in front of it, sends
  it once). A 2xx answer is a delivery; any other answer, a redirect (never followed: the
  token stays with the URL it was given for), no answer within
  `SLRT_SMS_GATEWAY_TIMEOUT_SECONDS`, or a network error is a failed attempt, retried. The
  token is never written to a log or to the message's error.
"""

import contextlib
import http.client
import json
import logging
import socket
import threading
import time
import urllib.parse

from django.conf import settings

from outbox.delivery import NO_PHONE, TIMED_OUT, UNREACHABLE, AttemptFailed, http_failure
from outbox.models import Dispatch

logger = logging.getLogger(__name__)


def short_message_body(dispatch: Dispatch) -> dict[str, str]:
    """What the gateway is sent for one message."""
    return {
        "to": dispatch.recipients[0],
        "channel": dispatch.channel,
        "text": dispatch.payload.get("text", ""),
        "id": str(dispatch.idempotency_key),
    }


def send_short_message(dispatch: Dispatch) -> None:
    """Send one SMS or WhatsApp message through the configured gateway; raises
    `AttemptFailed` when this attempt did not deliver it."""
    if not dispatch.recipients:
        raise AttemptFailed(NO_PHONE)
    body = short_message_body(dispatch)
    if settings.SLRT_SMS_GATEWAY == "http":
        _post(body)
    else:
        logger.info("%s to %s: %s", dispatch.get_channel_display(), body["to"], body["text"])


def _cut(connection: http.client.HTTPConnection) -> None:
    """At the deadline: end the connection, whatever it waits for (an answer trickled a
    byte at a time resets every per-read timeout)."""
    if connection.sock is not None:
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)


def _post(body: dict[str, str]) -> None:
    target = urllib.parse.urlsplit(settings.SLRT_SMS_GATEWAY_URL)
    timeout = settings.SLRT_SMS_GATEWAY_TIMEOUT_SECONDS
    kind = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = kind(target.hostname, target.port, timeout=timeout)
    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SLRT",
        "Authorization": f"Bearer {settings.SLRT_SMS_GATEWAY_TOKEN}",
        "Idempotency-Key": body["id"],
    }
    started = time.monotonic()
    timer = threading.Timer(timeout, _cut, args=[connection])
    timer.daemon = True
    timer.start()
    try:
        connection.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        # The error names the host and what the network said, never the request's headers.
        detail = f"{target.hostname}: {type(error).__name__}: {error}"
        if isinstance(error, TimeoutError) or time.monotonic() - started >= timeout:
            raise AttemptFailed(TIMED_OUT, detail) from error
        raise AttemptFailed(UNREACHABLE, detail) from error
    finally:
        timer.cancel()
        connection.close()
    if not 200 <= status < 300:
        raise http_failure(status)
