"""Delivering the outbox: one dispatch by e-mail or by a signed webhook POST.

A webhook carries the referral as JSON, signed as the Standard Webhooks specification
defines, so that an agency verifies it with the `standardwebhooks` libraries:
`webhook-id` (the dispatch's idempotency key, the same on every attempt of one message),
`webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`. The key is the agency's signing secret: a `whsec_<base64>`
secret is the base64-decoded bytes, as the specification says; an older plain secret `s` is
its own bytes (a library is given `whsec_` + base64(s)). The headers of earlier releases
(`Idempotency-Key`, `X-SLRT-Timestamp`, `X-SLRT-Signature: sha256=<hex>` of
"<timestamp>.<body>") are still sent, for one release.

The address is checked again at every attempt, after resolving its name once, and the POST
goes to the checked address (no DNS rebinding); redirects are not followed (a 3xx is a failed
attempt), and one attempt takes at most `WEBHOOK_TIMEOUT_SECONDS` in all. Staff see why an
attempt failed in plain words ("pengiriman gagal (HTTP 503)"), never the network's error
text, which goes to the server log only.
"""

import base64
import binascii
import contextlib
import datetime
import hashlib
import hmac
import http.client
import json
import logging
import smtplib
import socket
import ssl
import threading
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from programs.webhook_urls import WebhookAddressError, resolve_webhook_address, webhook_target
from referrals.models import Dispatch, Referral, ReferralEvent
from regions.time_zones import time_zone_of

logger = logging.getLogger(__name__)


# The one table of a dispatch's status changes: a pending one is sent, or stays pending after
# a failed attempt, or fails after its last one; a supervisor's retry makes a failed one
# pending again. A sent one is done.
DISPATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    Dispatch.Status.PENDING: frozenset(
        {Dispatch.Status.PENDING, Dispatch.Status.SENT, Dispatch.Status.FAILED}
    ),
    Dispatch.Status.FAILED: frozenset({Dispatch.Status.PENDING}),
    Dispatch.Status.SENT: frozenset(),
}


def dispatch_move(dispatch_id: int, *, from_status: str, to: str, **fields) -> bool:
    """Move a dispatch from `from_status` to `to` (with `fields`), a change the table
    allows, in one conditional UPDATE: False when the dispatch is no longer `from_status`
    (another attempt or another retry came first)."""
    if to not in DISPATCH_TRANSITIONS[from_status]:
        raise ValueError(f"a dispatch does not go from {from_status} to {to}")
    moved = Dispatch.objects.filter(pk=dispatch_id, status=from_status).update(status=to, **fields)
    return bool(moved)


def claim_duration() -> datetime.timedelta:
    """How long one attempt holds a dispatch: longer than the task's time limit (60 s)."""
    return datetime.timedelta(seconds=settings.SLRT_DISPATCH_CLAIM_SECONDS)


class DeliveryError(Exception):
    """This attempt failed; the task tries again later."""


class AttemptFailed(Exception):
    """One attempt failed: `public` says why in words staff may read, `detail` (for the
    server log only) what the network said."""

    def __init__(self, public, detail: str = ""):
        super().__init__(detail or str(public))
        self.public = public
        self.detail = detail or str(public)


def _http_failure(status: int) -> AttemptFailed:
    return AttemptFailed(
        _("delivery failed (HTTP %(status)s)") % {"status": status}, f"HTTP {status}"
    )


TIMED_OUT = _("delivery failed (no answer in time)")
UNREACHABLE = _("delivery failed (the receiver could not be reached)")
ADDRESS_REFUSED = _("delivery failed (the webhook address is not allowed)")
NO_ADDRESS = _("delivery failed (the agency has no webhook address)")
NO_RECIPIENT = _("delivery failed (no e-mail address)")
MAIL_REFUSED = _("delivery failed (the mail server did not accept the message)")


def dispatch_deliver(dispatch_id: int, *, attempt_id: str, last_attempt: bool) -> str:
    """Send one outbox row: "sent", "skipped" (sent already, or another attempt holds it),
    "failed" (the last attempt failed: supervisors see it), or raise `DeliveryError`."""
    now = timezone.now()
    claimed = (
        Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PENDING)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now) | Q(claimed_by=attempt_id))
        .update(claimed_by=attempt_id, claimed_until=now + claim_duration())
    )
    if not claimed:
        return "skipped"
    # A webhook's body was written with the row; the agency's address and secret are read now.
    dispatch = Dispatch.objects.select_related("referral__agency").get(pk=dispatch_id)
    try:
        if dispatch.channel == Dispatch.Channel.WEBHOOK:
            _post_webhook(dispatch)
        else:
            _send_email(dispatch)
    except AttemptFailed as error:
        return _record_failure(dispatch, error, last_attempt=last_attempt)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        reason = UNREACHABLE if dispatch.channel == Dispatch.Channel.WEBHOOK else MAIL_REFUSED
        failure = AttemptFailed(reason, f"{type(error).__name__}: {error}")
        return _record_failure(dispatch, failure, last_attempt=last_attempt)
    with transaction.atomic():
        delivered = dispatch_move(
            dispatch.pk,
            from_status=Dispatch.Status.PENDING,
            to=Dispatch.Status.SENT,
            sent_at=timezone.now(),
            attempts=dispatch.attempts + 1,
            last_error="",
            claimed_until=None,
        )
        if delivered:  # not when another attempt, whose claim had expired, recorded it first
            ReferralEvent.objects.create(
                referral=dispatch.referral,
                action=ReferralEvent.Action.DELIVERED,
                via=ReferralEvent.Via.SYSTEM,
                note=_describe(dispatch),
            )
    return "sent"


def _record_failure(dispatch: Dispatch, error: AttemptFailed, *, last_attempt: bool) -> str:
    """Count the attempt; the last one fails the dispatch, with an event staff read. They
    read why in plain words; the network's own message goes to the server log only."""
    logger.warning(
        "Dispatch %s (%s) attempt failed: %s", dispatch.pk, dispatch.channel, error.detail[:500]
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = str(error.public)[:1000]
    with transaction.atomic():
        failed = dispatch_move(
            dispatch.pk,
            from_status=Dispatch.Status.PENDING,
            to=Dispatch.Status.FAILED if last_attempt else Dispatch.Status.PENDING,
            attempts=dispatch.attempts + 1,
            last_error=message,
            claimed_until=None,
        )
        if failed and last_attempt:
            ReferralEvent.objects.create(
                referral=dispatch.referral,
                action=ReferralEvent.Action.DELIVERY_FAILED,
                via=ReferralEvent.Via.SYSTEM,
                note=f"{_describe(dispatch)}: {message}",
            )
    if last_attempt:
        return "failed"
    raise DeliveryError(error.detail[:1000]) from error


def _describe(dispatch: Dispatch) -> str:
    where = (
        dispatch.referral.agency.webhook_url
        if dispatch.channel == Dispatch.Channel.WEBHOOK
        else ", ".join(dispatch.recipients)
    )
    return f"{dispatch.get_kind_display()} · {dispatch.get_channel_display()} · {where}"


def referral_url(referral: Referral) -> str:
    return settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])


def referral_payload(dispatch: Dispatch) -> dict:
    """What a webhook carries: the referral, the household the resident agreed to share,
    and what happened (`event`), as they are when the outbox row is written."""
    referral = dispatch.referral
    household = referral.household
    head = household.head
    complaint = referral.complaint
    return {
        "event": f"referral.{dispatch.kind}",
        "idempotency_key": str(dispatch.idempotency_key),
        "referral": {
            "id": referral.pk,
            "number": referral.number,
            "status": referral.status,
            "program": referral.program.code,
            "program_name": referral.program.name,
            "agency": referral.agency.name,
            "eligible": referral.eligible,
            "notes": referral.notes,
            # Sent with documents of its file missing: what the office says of them.
            "incomplete_note": referral.incomplete_note,
            "response_due": referral.response_due.isoformat() if referral.response_due else None,
            "resolution_due": (
                referral.resolution_due.isoformat() if referral.resolution_due else None
            ),
            "url": referral_url(referral),
            "complaint": {
                "ticket_number": complaint.ticket_number,
                "category": complaint.category.code,
                "urgency": complaint.urgency,
                "description": complaint.description,
                # Shared on the resident's consent, for this referral only (UU PDP 27/2022).
                "consent_recorded_at": (
                    complaint.consent_recorded_at.isoformat()
                    if complaint.consent_recorded_at
                    else None
                ),
            },
            "household": {
                "kk_number": household.kk_number,
                "address": household.address,
                "rt": household.rt,
                "rw": household.rw,
                "region": household.region_id,
                "region_name": household.region.name,
                "head": {"name": head.name, "nik": head.nik} if head else None,
            },
        },
    }


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


def webhook_headers(dispatch: Dispatch, body: bytes, timestamp: str) -> dict[str, str]:
    secret = dispatch.referral.agency.webhook_secret
    message_id = str(dispatch.idempotency_key)  # the same on every attempt: receivers dedupe
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


def _post_webhook(dispatch: Dispatch) -> None:
    agency = dispatch.referral.agency
    if not agency.webhook_url:
        raise AttemptFailed(NO_ADDRESS)
    body = json.dumps(dispatch.payload or referral_payload(dispatch), ensure_ascii=False).encode()
    headers = webhook_headers(dispatch, body, str(int(time.time())))
    status = webhook_post(agency.webhook_url, body, headers)
    if not 200 <= status < 300:  # a redirect too: never followed, the signature stays here
        raise _http_failure(status)


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


def _send_email(dispatch: Dispatch) -> None:
    if not dispatch.recipients:
        raise AttemptFailed(NO_RECIPIENT)
    referral = dispatch.referral
    context = {"referral": referral, "kind": dispatch.kind, "url": referral_url(referral)}
    # Messages go out in the office's language and its zone, whoever's action caused them.
    zone = time_zone_of(referral.household.region_id)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
        subject = render_to_string("referrals/email/subject.txt", context).strip()
        body = render_to_string("referrals/email/body.txt", context)
    send_mail(subject, body, None, dispatch.recipients)
