"""Delivering the outbox: one dispatch by e-mail or by a signed webhook POST.

A webhook carries the referral as JSON with an `Idempotency-Key` header (the same on every
attempt of one dispatch) and `X-SLRT-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-SLRT-Timestamp>.<body>` with the agency's signing secret, so that the agency can check it
came from SLRT and ignore a second delivery of the same message.
"""

import datetime
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from referrals.models import Dispatch, Referral, ReferralEvent

WEBHOOK_TIMEOUT = 10  # seconds


def claim_duration() -> datetime.timedelta:
    """How long one attempt holds a dispatch: longer than the task's time limit (60 s)."""
    return datetime.timedelta(seconds=settings.SLRT_DISPATCH_CLAIM_SECONDS)


class DeliveryError(Exception):
    """This attempt failed; the task tries again later."""


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
    except (OSError, smtplib.SMTPException, ValueError) as error:
        return _record_failure(dispatch, error, last_attempt=last_attempt)
    with transaction.atomic():
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.SENT,
            sent_at=timezone.now(),
            attempts=dispatch.attempts + 1,
            last_error="",
            claimed_until=None,
        )
        ReferralEvent.objects.create(
            referral=dispatch.referral,
            action=ReferralEvent.Action.DELIVERED,
            via=ReferralEvent.Via.SYSTEM,
            note=_describe(dispatch),
        )
    return "sent"


def _record_failure(dispatch: Dispatch, error: Exception, *, last_attempt: bool) -> str:
    message = f"{type(error).__name__}: {error}"[:1000]
    with transaction.atomic():
        fields = {"attempts": dispatch.attempts + 1, "last_error": message, "claimed_until": None}
        if last_attempt:
            fields["status"] = Dispatch.Status.FAILED
            ReferralEvent.objects.create(
                referral=dispatch.referral,
                action=ReferralEvent.Action.DELIVERY_FAILED,
                via=ReferralEvent.Via.SYSTEM,
                note=f"{_describe(dispatch)}: {message}",
            )
        Dispatch.objects.filter(pk=dispatch.pk).update(**fields)
    if last_attempt:
        return "failed"
    raise DeliveryError(message) from error


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
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def _post_webhook(dispatch: Dispatch) -> None:
    agency = dispatch.referral.agency
    if not agency.webhook_url:
        raise ValueError("the agency has no webhook URL any more")
    body = json.dumps(dispatch.payload or referral_payload(dispatch), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - an https/http URL an admin entered
        agency.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": str(dispatch.idempotency_key),
            "X-SLRT-Timestamp": timestamp,
            "X-SLRT-Signature": signature(agency.webhook_secret, timestamp, body),
            "User-Agent": "SLRT",
        },
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
        response.read(1024)


def _send_email(dispatch: Dispatch) -> None:
    if not dispatch.recipients:
        raise ValueError("no recipient")
    referral = dispatch.referral
    context = {"referral": referral, "kind": dispatch.kind, "url": referral_url(referral)}
    # Messages go out in the office's language, whoever's action caused them.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("referrals/email/subject.txt", context).strip()
        body = render_to_string("referrals/email/body.txt", context)
    send_mail(subject, body, None, dispatch.recipients)
