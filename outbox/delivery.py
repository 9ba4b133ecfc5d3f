"""Delivering the outbox: one attempt at one message, claimed so that two workers never
send it at once, recorded as sent, pending again (a retry follows) or failed (supervisors
see it).

What a channel does is its sender's: an agency's e-mail and webhook are the referral
topic's (`referrals.messages`), a resident's SMS or WhatsApp message is the gateway's
(`outbox.gateways`). Staff see why an attempt failed in plain words ("pengiriman gagal
(HTTP 503)"), never the network's error text, which goes to the server log only.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from outbox.models import Dispatch
from outbox.topics import topic_of

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


def http_failure(status: int) -> AttemptFailed:
    return AttemptFailed(
        _("delivery failed (HTTP %(status)s)") % {"status": status}, f"HTTP {status}"
    )


TIMED_OUT = _("delivery failed (no answer in time)")
UNREACHABLE = _("delivery failed (the receiver could not be reached)")
ADDRESS_REFUSED = _("delivery failed (the webhook address is not allowed)")
NO_ADDRESS = _("delivery failed (the agency has no webhook address)")
NO_RECIPIENT = _("delivery failed (no e-mail address)")
MAIL_REFUSED = _("delivery failed (the mail server did not accept the message)")
NO_PHONE = _("delivery failed (no phone number)")
NO_RECORD = _("delivery failed (what it was about is no longer recorded)")
NO_SENDER = _("delivery failed (nothing sends this channel)")


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
    dispatch = Dispatch.objects.get(pk=dispatch_id)
    topic = topic_of(dispatch.topic)
    # What the message says was written with the row; where it goes is read now.
    record = topic.load(dispatch.subject_id)
    if record is None:
        return _record_failure(dispatch, None, AttemptFailed(NO_RECORD), last_attempt=True)
    try:
        _send(dispatch, record)
    except AttemptFailed as error:
        return _record_failure(dispatch, record, error, last_attempt=last_attempt)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        reason = MAIL_REFUSED if dispatch.channel == Dispatch.Channel.EMAIL else UNREACHABLE
        failure = AttemptFailed(reason, f"{type(error).__name__}: {error}")
        return _record_failure(dispatch, record, failure, last_attempt=last_attempt)
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
            topic.delivered(dispatch, record)
    return "sent"


def _send(dispatch: Dispatch, record) -> None:
    from outbox.gateways import send_short_message

    sender = topic_of(dispatch.topic).senders.get(dispatch.channel)
    if sender is not None:
        sender(dispatch, record)
    elif dispatch.channel in (Dispatch.Channel.SMS, Dispatch.Channel.WHATSAPP):
        send_short_message(dispatch)
    else:
        raise AttemptFailed(NO_SENDER)


def _record_failure(dispatch: Dispatch, record, error: AttemptFailed, *, last_attempt: bool) -> str:
    """Count the attempt; the last one fails the dispatch, with what its topic records. Staff
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
        if failed and last_attempt and record is not None:
            topic_of(dispatch.topic).failed(dispatch, record, message)
    if last_attempt:
        return "failed"
    raise DeliveryError(error.detail[:1000]) from error
