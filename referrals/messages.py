"""A referral's messages to its agency, as the outbox's "referral" topic: what they carry
(an e-mail, a webhook's JSON), how they are sent, and what a delivery, a last failure and a
supervisor's retry record in the referral's story (`ReferralEvent`). Registered from
`referrals.apps.ReferralsConfig.ready`; the outbox itself knows no referral."""

import json
import time
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.delivery import NO_ADDRESS, NO_RECIPIENT, AttemptFailed, http_failure
from outbox.models import Dispatch
from outbox.topics import Subject, Topic
from outbox.webhooks import signed_headers, webhook_post
from referrals.models import Referral, ReferralEvent
from referrals.selectors import referrals_for
from regions.time_zones import time_zone_of

TOPIC = Referral.OUTBOX_TOPIC


def referral_url(referral: Referral) -> str:
    return settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])


def referral_dispatch(referral: Referral, kind: str, channel: str, **fields) -> Dispatch:
    """An outbox row about `referral` (not saved); a webhook's body is written with it, as
    the referral is at the change it announces."""
    row = Dispatch(topic=TOPIC, subject_id=referral.pk, kind=kind, channel=channel, **fields)
    if channel == Dispatch.Channel.WEBHOOK:
        row.payload = referral_payload(referral, row)
    return row


def referral_payload(referral: Referral, dispatch: Dispatch) -> dict:
    """What a webhook carries: the referral, the household the resident agreed to share,
    and what happened (`event`), as they are when the outbox row is written."""
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


def _load(referral_id: int) -> Referral | None:
    return (
        Referral.objects.select_related("agency", "program", "complaint", "household")
        .filter(pk=referral_id)
        .first()
    )


def _post_webhook(dispatch: Dispatch, referral: Referral) -> None:
    agency = referral.agency  # its address and secret as they are now
    if not agency.webhook_url:
        raise AttemptFailed(NO_ADDRESS)
    # Rows written before webhooks' bodies were kept carry none: the referral as it is now.
    payload = dispatch.payload or referral_payload(referral, dispatch)
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = signed_headers(
        agency.webhook_secret, str(dispatch.idempotency_key), body, str(int(time.time()))
    )
    status = webhook_post(agency.webhook_url, body, headers)
    if not 200 <= status < 300:  # a redirect too: never followed, the signature stays here
        raise http_failure(status)


def _send_email(dispatch: Dispatch, referral: Referral) -> None:
    if not dispatch.recipients:
        raise AttemptFailed(NO_RECIPIENT)
    context = {"referral": referral, "kind": dispatch.kind, "url": referral_url(referral)}
    # Messages go out in the office's language and its zone, whoever's action caused them.
    zone = time_zone_of(referral.household.region_id)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
        subject = render_to_string("referrals/email/subject.txt", context).strip()
        body = render_to_string("referrals/email/body.txt", context)
    send_mail(subject, body, None, dispatch.recipients)


def _describe(dispatch: Dispatch, referral: Referral) -> str:
    where = (
        referral.agency.webhook_url
        if dispatch.channel == Dispatch.Channel.WEBHOOK
        else ", ".join(dispatch.recipients)
    )
    return f"{dispatch.get_kind_display()} · {dispatch.get_channel_display()} · {where}"


def _system_event(referral: Referral, action: str, note: str) -> None:
    ReferralEvent.objects.create(
        referral=referral, action=action, via=ReferralEvent.Via.SYSTEM, note=note
    )


def _delivered(dispatch: Dispatch, referral: Referral) -> None:
    _system_event(referral, ReferralEvent.Action.DELIVERED, _describe(dispatch, referral))


def _failed(dispatch: Dispatch, referral: Referral, reason: str) -> None:
    _system_event(
        referral, ReferralEvent.Action.DELIVERY_FAILED, f"{_describe(dispatch, referral)}: {reason}"
    )


def _retried(dispatch: Dispatch, actor: AbstractBaseUser) -> None:
    note = _("%(kind)s by %(channel)s") % {
        "kind": dispatch.get_kind_display(),
        "channel": dispatch.get_channel_display(),
    }
    ReferralEvent.objects.create(
        referral_id=dispatch.subject_id, actor=actor, via=ReferralEvent.Via.WEB,
        action=ReferralEvent.Action.RETRY, note=note,
    )  # fmt: skip


def _subjects(ids: Iterable[int]) -> dict[int, Subject]:
    referrals = Referral.objects.filter(pk__in=set(ids)).select_related(
        "program", "agency", "complaint"
    )
    return {
        referral.pk: Subject(
            title=f"{referral.program.code} · {referral.complaint.ticket_number}",
            url=reverse("referrals:detail", args=[referral.pk]),
            recipient=referral.agency.name,
        )
        for referral in referrals
    }


REFERRAL_TOPIC = Topic(
    name=TOPIC,
    load=_load,
    records_for=referrals_for,
    subjects=_subjects,
    # Looked up at each attempt (not bound here), so that a test may stand in for one.
    senders={
        Dispatch.Channel.EMAIL: lambda dispatch, referral: _send_email(dispatch, referral),
        Dispatch.Channel.WEBHOOK: lambda dispatch, referral: _post_webhook(dispatch, referral),
    },
    delivered=_delivered,
    failed=_failed,
    retried=_retried,
)
