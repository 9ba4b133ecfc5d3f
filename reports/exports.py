"""CSV exports of the filtered lists: what each holds, and how it streams.

A list of a hundred thousand rows is read from a server-side cursor in chunks and written
out line by line, so memory stays flat whatever the length. Personal identifiers leave
masked, as in the lists; names do not leave at all.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Case, Count, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from complaints.selectors import complaints_in_scope
from households.forms import HouseholdFilterForm
from households.masking import mask_identifier
from households.selectors import districts_for, households_in_scope
from referrals.filters import ReferralFilter
from referrals.models import Referral
from referrals.selectors import referrals_for
from regions.models import within_q
from regions.time_zones import moment_text
from slrt.spreadsheets import csv_writer

# Rows read from the database per round trip; memory holds about this many at a time.
CHUNK_ROWS = 2000


@dataclass(frozen=True)
class Export:
    """One exportable list: its title, its columns and how a row of values becomes a line."""

    slug: str
    title: str | Promise
    headers: list[str | Promise]
    fields: list[str]
    line_maker: Callable[[], Callable[[tuple], list[Any]]]
    filter_for: Callable[[AbstractBaseUser, QueryDict], Any]


def csv_lines(export: Export, rows: QuerySet) -> Iterator[str]:
    """The export as CSV text, a line at a time: a byte-order mark so that spreadsheets
    read the Indonesian text as UTF-8, the headers, then every row of `rows`.

    Headers and labels are translated now, in the request's language, and times are
    written in the zone of the request (the office's): the lines are written later, while
    the response streams, after the middleware has put the default zone back.
    """
    writer = csv_writer(_LineBuffer())
    header = "\ufeff" + writer.writerow([str(header) for header in export.headers])
    line = export.line_maker()
    zone = timezone.get_current_timezone()

    def lines() -> Iterator[str]:
        yield header
        with timezone.override(zone):
            for values in rows.values_list(*export.fields).iterator(chunk_size=CHUNK_ROWS):
                yield writer.writerow(line(values))

    return lines()


class _LineBuffer:
    """A file that hands back what the CSV writer writes instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _local(moment: datetime.datetime | None) -> str:
    """The office's time with its zone, "2026-12-01 22:57 WITA": a spreadsheet sorts it."""
    return moment_text(moment, date_format="Y-m-d H:i") if moment else ""


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _labels(choices: Iterable[tuple[str, Any]]) -> Callable[[str], str]:
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value or "")


def _yes_no() -> Callable[[bool], str]:
    yes, no = str(_("yes")), str(_("no"))
    return lambda value: yes if value else no


# --- Complaints ----------------------------------------------------------------------------


def _complaints(user: AbstractBaseUser, data: QueryDict) -> ComplaintFilter:
    return ComplaintFilter(
        data,
        queryset=complaints_in_scope(user).order_by("registered_at", "pk"),
        districts=districts_for(user),
    )


def _complaint_lines() -> Callable[[tuple], list[Any]]:
    channel = _labels(Complaint.Channel.choices)
    urgency = _labels(Complaint.Urgency.choices)
    status = _labels(Complaint.Status.choices)
    reason = _labels(Complaint.ClosureReason.choices)
    yes_no = _yes_no()

    def line(values: tuple) -> list[Any]:
        (ticket, registered, by, category_code, category, urgent, state, why, closed,
         first_due, resolution_due, household, district, village, consent) = values  # fmt: skip
        return [
            ticket, _local(registered), channel(by), category_code, category, urgency(urgent),
            status(state), reason(why), _local(closed), _date(first_due),
            _date(resolution_due), household, district, village, yes_no(consent),
        ]  # fmt: skip

    return line


# --- Referrals -----------------------------------------------------------------------------


def _referrals(user: AbstractBaseUser, data: QueryDict) -> ReferralFilter:
    today = timezone.localdate()
    late = Referral.late_to_acknowledge_q(today) | Referral.late_to_settle_q(today)
    referrals = referrals_for(user).annotate(
        overdue=Case(
            When(late, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    return ReferralFilter(
        data, queryset=referrals.order_by("created_at", "pk"), districts=districts_for(user)
    )


def _referral_lines() -> Callable[[tuple], list[Any]]:
    status = _labels(Referral.Status.choices)
    yes_no = _yes_no()

    def line(values: tuple) -> list[Any]:
        (pk, ticket, program, agency, state, eligible, created, sent, received, closed,
         response_due, resolution_due, late, escalated, district, village) = values  # fmt: skip
        return [
            pk, ticket, program, agency, status(state), yes_no(eligible), _local(created),
            _local(sent), _local(received), _local(closed), _date(response_due),
            _date(resolution_due), yes_no(late), _local(escalated), district, village,
        ]  # fmt: skip

    return line


# --- Households ----------------------------------------------------------------------------


class _Households:
    """The household list's region filter, shaped like the other lists' filter sets."""

    def __init__(self, user: AbstractBaseUser, data: QueryDict):
        self.form = HouseholdFilterForm(data, user=user)
        self._households = households_in_scope(user)

    def is_valid(self) -> bool:
        return self.form.is_valid()

    @property
    def qs(self) -> QuerySet:
        households = self._households
        region = self.form.cleaned_data.get("region")
        if region is not None:
            households = households.filter(within_q(region.code, "region"))
        return households.annotate(size=Count("members")).order_by("pk")


def _household_lines() -> Callable[[tuple], list[Any]]:
    def line(values: tuple) -> list[Any]:
        pk, kk, dtks_id, region, district, village, desil, source, as_of, size = values
        return [pk, mask_identifier(kk), dtks_id, region, district, village, desil or "",
                source, _date(as_of), size]  # fmt: skip

    return line


COMPLAINT_COLUMNS = [
    (_("Ticket number"), "ticket_number"),
    (_("Registered at"), "registered_at"),
    (_("Channel"), "channel"),
    (_("Category code"), "category__code"),
    (_("Category"), "category__name"),
    (_("Urgency"), "urgency"),
    (_("Status"), "status"),
    (_("Closure reason"), "closure_reason"),
    (_("Closed at"), "closed_at"),
    (_("First action due"), "first_action_due"),
    (_("Resolution due"), "resolution_due"),
    (_("Household"), "household_id"),
    (_("District"), "household__region__parent__name"),
    (_("Village"), "household__region__name"),
    (_("Consent to share"), "consent_given"),
]
REFERRAL_COLUMNS = [
    (_("Referral"), "pk"),
    (_("Ticket number"), "complaint__ticket_number"),
    (_("Programme"), "program__code"),
    (_("Agency"), "agency__name"),
    (_("Status"), "status"),
    (_("Eligible by rule"), "eligible"),
    (_("Created at"), "created_at"),
    (_("Sent at"), "sent_at"),
    (_("Acknowledged at"), "received_at"),
    (_("Settled at"), "closed_at"),
    (_("Acknowledgement due"), "response_due"),
    (_("Settlement due"), "resolution_due"),
    (_("Overdue"), "overdue"),
    (_("Escalated at"), "escalated_at"),
    (_("District"), "household__region__parent__name"),
    (_("Village"), "household__region__name"),
]
HOUSEHOLD_COLUMNS = [
    (_("Household"), "pk"),
    (_("KK number (masked)"), "kk_number"),
    (_("DTKS ID"), "dtks_id"),
    (_("Region code"), "region_id"),
    (_("District"), "region__parent__name"),
    (_("Village"), "region__name"),
    (_("Welfare decile"), "desil"),
    (_("Decile source"), "desil_source"),
    (_("Decile as of"), "desil_date"),
    (_("Members"), "size"),
]


def _export(slug, title, columns, line_maker, filter_for) -> Export:
    headers, fields = zip(*columns, strict=True)
    return Export(slug, title, list(headers), list(fields), line_maker, filter_for)


EXPORTS: dict[str, Export] = {
    export.slug: export
    for export in [
        _export("complaints", _("Complaints"), COMPLAINT_COLUMNS, _complaint_lines, _complaints),
        _export("referrals", _("Referrals"), REFERRAL_COLUMNS, _referral_lines, _referrals),
        _export("households", _("Households"), HOUSEHOLD_COLUMNS, _household_lines, _Households),
    ]
}
