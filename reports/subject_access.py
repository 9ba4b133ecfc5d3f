"""A person's data and how it was processed, for their request under UU PDP 27/2022.

What the office holds on the person and their household, what it did with it (complaints,
referrals and the messages sent about them, programmes), and who saw it (the access log and
the change history), as one JSON document. Other members' identifiers are left out: they
are other people's data.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessLog
from accounts.services import access_record
from complaints.models import Complaint
from complaints.resident_messages import TOPIC as COMPLAINT_TOPIC
from complaints.resident_messages import text_shown_to_staff
from households.models import Household, Person
from households.services import HOUSEHOLD_FIELDS, PERSON_FIELDS
from outbox.models import Dispatch
from programs.models import Enrollment
from referrals.models import Referral


def person_data_export(*, actor: AbstractBaseUser, person: Person) -> dict[str, Any]:
    """The person's data and processing trail; the request itself goes to the access log
    (purpose: a data subject's request) before the document is made."""
    household = Household.objects.select_related("region").get(pk=person.household_id)
    access_record(
        actor=actor,
        action=AccessLog.Action.EXPORT,
        what=_("Personal data of %(name)s, at their request") % {"name": person.name},
        purpose=AccessLog.Purpose.DATA_REQUEST,
        household_id=household.pk,
        rows=1,
    )
    complaints = Complaint.objects.filter(household=household).select_related("category")
    referrals = Referral.objects.filter(household=household).select_related(
        "program", "agency", "complaint"
    )
    return {
        "generated_at": _moment(timezone.now()),
        "generated_by": actor.get_username(),
        "person": {"id": person.pk, **_fields(person, PERSON_FIELDS)},
        "household": {
            "id": household.pk,
            **_fields(household, HOUSEHOLD_FIELDS),
            "region_name": household.region.name,
            "members": [
                {"name": member.name, "relationship": member.relationship}
                for member in household.members.exclude(pk=person.pk).order_by("pk")
            ],
        },
        "programmes": [
            {
                "program": e.program.code,
                "since": e.since,
                "until": e.until,
                "active": e.is_active,
                "source": e.source,
            }
            for e in Enrollment.objects.filter(household=household).select_related("program")
        ],
        "complaints": [_complaint(complaint) for complaint in complaints.order_by("pk")],
        "referrals": [_referral(referral) for referral in referrals.order_by("pk")],
        "processing": {
            "access_log": [
                {
                    "at": _moment(entry.at),
                    "user": entry.user.get_username(),
                    "action": entry.action,
                    "purpose": entry.purpose,
                    "what": entry.what,
                    "address": entry.path,
                }
                for entry in AccessLog.objects.filter(household_id=household.pk)
                .select_related("user")
                .order_by("at", "pk")
            ],
            "history": {
                "person": _history(person.history.all()),
                "household": _history(household.history.all()),
            },
        },
    }


def _fields(obj: Model, names: list[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(obj, f"{name}_id" if name == "region" else name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _moment(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _complaint(complaint: Complaint) -> dict[str, Any]:
    return {
        "ticket_number": complaint.ticket_number,
        "registered_at": _moment(complaint.registered_at),
        "channel": complaint.channel,
        "category": complaint.category.code,
        "description": complaint.description,
        "urgency": complaint.urgency,
        "consent_given": complaint.consent_given,
        "consent_recorded_at": _moment(complaint.consent_recorded_at),
        "status": complaint.status,
        "closure_reason": complaint.closure_reason,
        "closed_at": _moment(complaint.closed_at),
        "events": _timeline(complaint.events),
        # The messages sent to the complainant about it: what, to which number, how it went.
        "messages": [
            {
                "at": _moment(d.created_at),
                "kind": d.kind,
                "channel": d.channel,
                "to": d.recipients,
                # the survey's token left out: the officer exporting reads the file too
                "text": text_shown_to_staff(d.payload.get("text", "")),
                "status": d.status,
                "sent_at": _moment(d.sent_at),
            }
            for d in Dispatch.objects.filter(
                topic=COMPLAINT_TOPIC, subject_id=complaint.pk
            ).order_by("pk")
        ],
    }


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "number": referral.number,
        "program": referral.program.code,
        "agency": referral.agency.name,
        "status": referral.status,
        "notes": referral.notes,
        "outcome": referral.outcome_note,
        "created_at": _moment(referral.created_at),
        "closed_at": _moment(referral.closed_at),
        "events": _timeline(referral.events),
        # What was sent about it, and to whom: the data shared with other bodies.
        "messages": [
            {
                "at": _moment(d.created_at),
                "kind": d.kind,
                "channel": d.channel,
                "to": d.recipients or referral.agency.webhook_url,
                "status": d.status,
                "sent_at": _moment(d.sent_at),
            }
            for d in referral.dispatches.order_by("pk")
        ],
    }


def _timeline(events) -> list[dict[str, Any]]:
    """A complaint's or a referral's events, oldest first."""
    return [
        {
            "at": _moment(event.at),
            "action": event.action,
            "from": event.from_status,
            "to": event.to_status,
            "by": event.actor.get_username() if event.actor else None,
            "via": event.via,
            "note": event.note,
        }
        for event in events.select_related("actor").order_by("at", "pk")
    ]


def _history(records) -> list[dict[str, Any]]:
    """django-simple-history's records: when, by whom, what kind of change, which fields."""
    changes = []
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        previous = record.prev_record
        changed = (
            [change.field for change in record.diff_against(previous).changes]
            if previous is not None
            else []
        )
        changes.append(
            {
                "at": _moment(record.history_date),
                "by": record.history_user.get_username() if record.history_user else None,
                "change": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "fields": changed,
            }
        )
    return changes
