"""The short messages a complainant receives (SMS or WhatsApp): at registration (the ticket
and where to check it), at each referral's outcome, and at closure.

Each is written to the outbox in the transaction of the change it announces and delivered
after commit, with the outbox's guarantees (retries, the sweep, once per key, failed ones
listed for supervisors). A message is written only to a complainant who agreed to be
contacted, with a phone number and a channel (`households.phones.Reachable`); once per
event, whatever repeats it (its key is `outbox.services.event_key` of the complaint and the
event); at most `MAX_LENGTH` characters, names cut to fit; in the office's language; never
a NIK or a KK number (no free text typed by staff is sent, and digits are kept out of names).

This module is also the outbox's "complaint" topic (`COMPLAINT_TOPIC`, registered by
`complaints.apps.ComplaintsConfig.ready`)."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.selectors import complaints_in_scope
from households.masking import mask_phone
from households.phones import ContactChannel
from outbox.models import Dispatch
from outbox.services import dispatch_write_once, event_key
from outbox.topics import Subject, Topic

TOPIC = "complaint"
MAX_LENGTH = 160  # one SMS
ELLIPSIS = "..."  # GSM-7, as the rest of the text
# Sixteen digits in a row, spaces, dots or dashes between them allowed: a NIK's or a KK's
# shape. Never sent, whatever put it in a text.
_IDENTIFIER = re.compile(r"\d(?:[\s.\-]?\d){15}")


def status_url() -> str:
    """Where a resident checks their complaint (`/status/`)."""
    return settings.SITE_URL + reverse("public_status")


def _shortened(value: str, room: int) -> str:
    value = " ".join(value.split())
    if len(value) <= room:
        return value
    return value[: max(room - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS if room > 0 else ""


def _name(value: str) -> str:
    """A name as a message carries it: without digits (a name has none; a number typed into
    a name field is not sent)."""
    return " ".join(re.sub(r"\d", "", value).split())


def _fit(template: str, fixed: dict[str, str], **names: str) -> str:
    """`template` % its values, the `names` cut so that the whole stays within `MAX_LENGTH`
    (the room shared out: a short name whole, the longer ones cut alike); any NIK- or
    KK-shaped number removed; cut at the limit as a last resort (a very long site
    address)."""
    values = {**fixed, **{key: _name(value) for key, value in names.items()}}
    room = MAX_LENGTH - len(template % {**values, **dict.fromkeys(names, "")})
    by_length = sorted(names, key=lambda key: len(values[key]))
    for done, key in enumerate(by_length):
        share = max(room, 0) // (len(by_length) - done)
        values[key] = _shortened(values[key], share)
        room -= len(values[key])
    text = _IDENTIFIER.sub("", template % values)
    return _shortened(text, MAX_LENGTH)


def registration_text(complaint: Complaint) -> str:
    """The message at registration: the ticket number and where to check it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _fit(
            _("SLRT: the complaint of %(name)s is registered as %(ticket)s. Check its status "
              "at %(url)s"),
            {"ticket": complaint.ticket_number, "url": status_url()},
            name=complaint.complainant_display,
        )  # fmt: skip


def outcome_text(complaint: Complaint, *, program: str, agency: str, completed: bool) -> str:
    """The message at a referral's outcome: served (by whom), or not accepted (its reason
    is not sent: staff wrote it, and the office explains it)."""
    fixed = {"ticket": complaint.ticket_number, "url": status_url()}
    with translation.override(settings.LANGUAGE_CODE):
        if completed:
            return _fit(
                _("SLRT %(ticket)s: the referral to %(program)s has been served by "
                  "%(agency)s. Status: %(url)s"),
                fixed, program=program, agency=agency,
            )  # fmt: skip
        return _fit(
            _("SLRT %(ticket)s: the referral to %(program)s was not accepted. The office "
              "will contact you. Status: %(url)s"),
            fixed, program=program,
        )  # fmt: skip


def closing_text(complaint: Complaint) -> str:
    """The message at closure, with how the complaint ended and the link to its
    satisfaction survey (made at closure: `complaints.survey.survey_link_of`) when it fits
    whole; without it otherwise (a very long site address: the desk asks the survey)."""
    from complaints.survey import survey_link_of

    fixed = {"ticket": complaint.ticket_number}
    reason = str(complaint.get_closure_reason_display())
    with translation.override(settings.LANGUAGE_CODE):
        url = survey_link_of(complaint)
        with_link = url and _fit(
            _("SLRT %(ticket)s: your complaint is closed (%(reason)s). Rate our service: "
              "%(url)s"),
            {**fixed, "url": url}, reason=reason,
        )  # fmt: skip
        if with_link and with_link.endswith(url):
            return with_link
        return _fit(
            _("SLRT %(ticket)s: your complaint is closed (%(reason)s). Thank you."),
            fixed, reason=reason,
        )  # fmt: skip


def reachable(complaint: Complaint) -> bool:
    """Whether the complainant may be sent messages: consent, a phone, and a channel."""
    return bool(
        complaint.contact_consent
        and complaint.phone
        and complaint.contact_channel in (ContactChannel.SMS, ContactChannel.WHATSAPP)
    )


def resident_message(complaint: Complaint, *, event: str, kind: str, text: str) -> int | None:
    """Write the message announcing `event` of `complaint` to its complainant, in the
    caller's transaction, delivered after commit; None when the complainant is not to be
    contacted, or the event's message is written already."""
    if not reachable(complaint):
        return None
    return dispatch_write_once(
        Dispatch(
            topic=TOPIC,
            subject_id=complaint.pk,
            kind=kind,
            channel=complaint.contact_channel,
            recipients=[complaint.phone],
            payload={"text": text},
            idempotency_key=event_key(TOPIC, complaint.pk, event),
        )
    )


def message_registered(complaint: Complaint) -> int | None:
    return resident_message(
        complaint, event="registered", kind=Dispatch.Kind.REGISTERED,
        text=registration_text(complaint),
    )  # fmt: skip


def message_referral_outcome(
    complaint: Complaint, *, referral_id: int, status: str, program: str, agency: str
) -> int | None:
    """A referral of `complaint` reached its outcome (`status`: completed or rejected)."""
    return resident_message(
        complaint,
        event=f"referral-{referral_id}-{status}",
        kind=Dispatch.Kind.OUTCOME,
        text=outcome_text(complaint, program=program, agency=agency,
                          completed=status == "completed"),
    )  # fmt: skip


def message_closed(complaint: Complaint) -> int | None:
    return resident_message(
        complaint, event="closed", kind=Dispatch.Kind.CLOSED, text=closing_text(complaint)
    )


def text_shown_to_staff(text: str) -> str:
    """A message as the complaint's page shows it: the survey's link (`survey_url`) without
    its token, which is the resident's alone (with it, whoever reads the complaint could
    answer the survey as the resident; the office records an answer at the desk, under its
    name)."""
    survey_path = reverse("survey_public", kwargs={"token": "-"}).removesuffix("-/")
    link = re.escape(settings.SITE_URL + survey_path) + r"[A-Za-z0-9_-]+/?"
    return re.sub(link, lambda found: settings.SITE_URL + survey_path + "…", text)


def resident_messages_of(complaint: Complaint) -> list[Dispatch]:
    """The messages written to the complainant of `complaint`, oldest first, for its page:
    each with `shown_text` (`text_shown_to_staff`)."""
    messages = list(
        Dispatch.objects.filter(topic=TOPIC, subject_id=complaint.pk).order_by("created_at", "pk")
    )
    for message in messages:
        message.shown_text = text_shown_to_staff(message.payload.get("text", ""))
    return messages


# --- the outbox's "complaint" topic ------------------------------------------------------------


def _load(complaint_id: int) -> Complaint | None:
    return Complaint.objects.filter(pk=complaint_id).first()


def _subjects(ids: Iterable[int]) -> dict[int, Subject]:
    complaints = Complaint.objects.filter(pk__in=set(ids)).only("pk", "ticket_number", "phone")
    return {
        complaint.pk: Subject(
            title=complaint.ticket_number,
            url=reverse("complaints:detail", args=[complaint.pk]),
            recipient=mask_phone(complaint.phone),
        )
        for complaint in complaints
    }


# The row itself is the record of a resident's message (sent or failed, and why).
COMPLAINT_TOPIC = Topic(name=TOPIC, load=_load, records_for=complaints_in_scope,
                        subjects=_subjects)  # fmt: skip
