"""The public status check (`/status/`): a resident types their ticket number and the last
four digits of the complainant's NIK or phone number, and learns the stage of the complaint,
the day of its last step and what happens next — nothing else.

A wrong pair of digits answers exactly as an unknown ticket does (no oracle), and both are
rate-limited per address and per ticket, counted in `StatusLookup` rows so that the limits
hold across web processes. Each look-up is one such row, without the digits typed."""

import datetime
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, PublicPage, StatusLookup
from regions.time_zones import local_date_in
from slrt.rate_limits import caller_block, over_limit

Status = Complaint.Status

# What a resident reads at each stage: where the complaint is, and what happens next.
STAGES: dict[str, tuple[Promise, Promise]] = {
    Status.REGISTERED: (
        _("Complaint received"),
        _("An officer assesses your household's needs."),
    ),
    Status.ASSESSED: (
        _("Needs assessed"),
        _("An officer matches your household to programmes and refers it."),
    ),
    Status.REFERRED: (
        _("Referred to a programme"),
        _(
            "The programme's office answers the referral; the SLRT office follows it until "
            "you are served."
        ),
    ),
    Status.FOLLOW_UP: (
        _("Being followed up"),
        _("An officer follows up the programme's answer with you."),
    ),
    Status.CLOSED: (
        _("Closed"),
        _("Your complaint is closed. Come to the office again for a new need."),
    ),
}


@dataclass(frozen=True)
class PublicStatus:
    ticket: str
    stage: Promise
    last_step: datetime.date
    next_step: Promise


class Limited(Exception):
    """Too many look-ups from this address, or for this ticket, just now."""


def normalized_ticket(typed: str) -> str:
    return "".join((typed or "").split()).upper()[:24]


def _last_fours(complaint: Complaint) -> list[str]:
    """The four digits that prove the resident knows the complaint: the last four of the
    complainant member's NIK, or of the phone number the complaint records."""
    person = complaint.complainant
    nik = person.nik if person is not None else None
    return [number[-4:] for number in (nik, complaint.phone) if number]


def lookup_limited(*, page: str, ticket: str, address: str, now: datetime.datetime) -> bool:
    """Whether the public page `page` has had its fill of look-ups from `address`, or
    (with a `ticket`) for that ticket, within the window, or for that ticket within a day:
    each page counts its own rows."""
    limits = {"address": (caller_block(address), settings.SLRT_STATUS_PER_ADDRESS)}
    if ticket:
        limits["ticket"] = (ticket, settings.SLRT_STATUS_PER_TICKET)
    lookups = StatusLookup.objects.filter(page=page)
    window = settings.SLRT_STATUS_WINDOW_MINUTES
    if over_limit(lookups, now=now, window_minutes=window, limits=limits):
        return True
    day = {"ticket": (ticket, settings.SLRT_STATUS_PER_TICKET_DAY)}
    return bool(ticket) and over_limit(lookups, now=now, window_minutes=24 * 60, limits=day)


def lookup_recorded(
    *,
    page: str,
    address: str,
    now: datetime.datetime,
    ticket: str = "",
    complaint: Complaint | None = None,
    limited: bool = False,
) -> None:
    """One look-up of a public page, counted by `lookup_limited`: never what proved it."""
    StatusLookup.objects.create(
        at=now,
        page=page,
        ticket=ticket,
        address=caller_block(address),
        complaint=complaint,
        limited=limited,
    )


def complaint_status_lookup(*, ticket: str, last4: str, address: str) -> PublicStatus | None:
    """The public status of the complaint `ticket` when `last4` are the last four digits
    of its complainant's NIK or phone, else None (an unknown ticket and wrong digits alike). Raises
    `Limited` past the rate limits. Writes one `StatusLookup` either way."""
    ticket = normalized_ticket(ticket)
    now = timezone.now()
    if lookup_limited(page=PublicPage.STATUS, ticket=ticket, address=address, now=now):
        lookup_recorded(
            page=PublicPage.STATUS, ticket=ticket, address=address, now=now, limited=True
        )
        raise Limited
    complaint = (
        Complaint.objects.select_related("complainant", "household")
        .filter(ticket_number=ticket)
        .first()
    )
    fours = _last_fours(complaint) if complaint is not None else []
    # Compared in constant time, and as many times whether the ticket exists or not.
    compared = [hmac.compare_digest(four, last4) for four in fours or ["----"]]
    matched = bool(fours) and any(compared)
    lookup_recorded(
        page=PublicPage.STATUS,
        ticket=ticket,
        address=address,
        now=now,
        complaint=complaint if matched else None,
    )
    if not matched:
        return None
    last = complaint.events.aggregate(last=Max("at"))["last"] or complaint.registered_at
    stage, next_step = STAGES[complaint.status]
    return PublicStatus(
        ticket=complaint.ticket_number,
        stage=stage,
        last_step=local_date_in(complaint.household.region_id, last),
        next_step=next_step,
    )
