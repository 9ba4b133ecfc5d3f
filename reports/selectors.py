"""The figures supervisors answer for, read for their area and a period.

One function, `figures_for`, serves the dashboard, the monthly report and its CSV and XLSX
files, so that the three always agree. Every count starts from the scoped selectors of the
apps it reads.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from complaints.models import SURVEY_ELEMENTS, Complaint, ComplaintCategory, SatisfactionSurvey
from complaints.selectors import complaints_in_scope
from complaints.survey import SatisfactionIndex, satisfaction_index
from referrals.models import Referral
from referrals.selectors import referrals_for
from regions.models import Region, within_q

# The national figure SLRT is judged by: complaints closed because the resident was served,
# or because the desk answered them itself.
HANDLED = (Complaint.ClosureReason.SERVED, Complaint.ClosureReason.HANDLED_DIRECTLY)
HANDLED_Q = Q(status=Complaint.Status.CLOSED, closure_reason__in=HANDLED)


@dataclass(frozen=True)
class Period:
    """Whole days from `first` to `last`, both included, in the office's time zone."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def month_of(cls, day: datetime.date) -> "Period":
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return cls(first, following - datetime.timedelta(days=1))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of the period and the first moment after it."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.first, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, after

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


@dataclass
class Chart:
    """One chart and the table beside it: a label per row, a column per dataset."""

    key: str
    title: str
    kind: str  # "bar", "line", "doughnut" or "stacked"
    heading: str  # what the labels are: month, category, …
    labels: list[str]
    datasets: list[tuple[str, list[int]]]
    sideways: bool = False  # bars along the page, for long labels

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        return [
            (label, [values[i] for _name, values in self.datasets])
            for i, label in enumerate(self.labels)
        ]

    @property
    def data_id(self) -> str:
        """The id of the element holding the chart's numbers for the script that draws it."""
        return f"{self.key}-data"

    @property
    def is_empty(self) -> bool:
        return not any(any(values) for _name, values in self.datasets)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "sideways": self.sideways,
            "labels": self.labels,
            "datasets": [{"label": name, "data": values} for name, values in self.datasets],
        }


@dataclass
class Figures:
    period: Period
    area: Region | None
    received: int
    handled: int
    median_days_to_acknowledge: float | None
    median_days_to_settle: float | None
    median_days_to_close: float | None
    overdue: int
    overdue_on: datetime.date
    charts: list[Chart] = field(default_factory=list)
    satisfaction: SatisfactionIndex | None = None  # the month's surveys (IKM)

    @property
    def handled_share(self) -> float | None:
        """Handled complaints as a share of those received, 0–100; None when none came."""
        return round(100 * self.handled / self.received, 1) if self.received else None

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)


def figures_for(
    user: AbstractBaseUser,
    period: Period,
    *,
    area: Region | None = None,
    overdue_on: datetime.date | None = None,
) -> Figures:
    """What came in and what became of it, in the user's area (or `area` within it):
    complaints and referrals registered in `period`, and referrals overdue on the day
    `overdue_on` (today by default; the monthly report asks for its month's last day)."""
    today = timezone.localdate()
    overdue_on = today if overdue_on is None else min(overdue_on, today)
    start, after = period.bounds()
    complaints = complaints_in_scope(user).filter(registered_at__gte=start, registered_at__lt=after)
    referrals_now = referrals_for(user)
    if area is not None:
        complaints = complaints.filter(within_q(area.code, "household__region"))
        referrals_now = referrals_now.filter(within_q(area.code, "household__region"))
    referrals = referrals_now.filter(created_at__gte=start, created_at__lt=after)

    totals = complaints.aggregate(
        received=Count("pk"),
        handled=Count("pk", filter=HANDLED_Q),
    )
    overdue_by_agency = _overdue_by_agency(referrals_now, overdue_on, today)
    return Figures(
        satisfaction=satisfaction_index_for(user, period, area=area),
        period=period,
        area=area,
        received=totals["received"],
        handled=totals["handled"],
        median_days_to_acknowledge=_median_days(
            referrals.filter(received_at__isnull=False), "sent_at", "received_at"
        ),
        median_days_to_settle=_median_days(
            referrals.filter(status__in=Referral.ANSWERED),
            "sent_at",
            "closed_at",
        ),
        median_days_to_close=_median_days(
            complaints.filter(status=Complaint.Status.CLOSED), "registered_at", "closed_at"
        ),
        overdue=sum(sum(values) for _name, values in overdue_by_agency.datasets),
        overdue_on=overdue_on,
        charts=[
            _by_month(complaints, period),
            _by_category(complaints),
            _by_channel(complaints),
            _by_district(complaints),
            _referrals_by_program(referrals),
            overdue_by_agency,
        ],
    )


def satisfaction_index_for(
    user: AbstractBaseUser, period: Period, *, area: Region | None = None
) -> SatisfactionIndex:
    """The service satisfaction index (IKM, PermenPANRB 14/2017) of the surveys answered in
    `period` (the office's days) about complaints of the user's area (or `area` within it):
    the respondents and each element's sum counted in one SQL aggregate, the index computed
    from them by `complaints.survey.satisfaction_index`."""
    start, after = period.bounds()
    complaints = complaints_in_scope(user)
    if area is not None:
        complaints = complaints.filter(within_q(area.code, "household__region"))
    totals = SatisfactionSurvey.objects.filter(
        complaint__in=complaints.values("pk"), answered_at__gte=start, answered_at__lt=after
    ).aggregate(respondents=Count("pk"), **{element: Sum(element) for element in SURVEY_ELEMENTS})
    return satisfaction_index(
        [totals[element] or 0 for element in SURVEY_ELEMENTS], totals["respondents"]
    )


def _by_month(complaints: QuerySet[Complaint], period: Period) -> Chart:
    counted = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in complaints.annotate(month=TruncMonth("registered_at"))
        .values("month")
        .annotate(
            received=Count("pk"),
            handled=Count("pk", filter=HANDLED_Q),
        )
        .order_by()
    }
    months = period.months()
    return Chart(
        key="by-month",
        title=_("Complaints received and handled, by month"),
        kind="bar",
        heading=_("Month"),
        labels=[formats.date_format(month, "M Y") for month in months],
        datasets=[
            (_("Received"), [counted.get(m, {}).get("received", 0) for m in months]),
            (_("Handled"), [counted.get(m, {}).get("handled", 0) for m in months]),
        ],
    )


def _by_category(complaints: QuerySet[Complaint]) -> Chart:
    """By the top of the category tree: a sub-category counts for its parent."""
    rows = (
        complaints.annotate(top=Coalesce("category__parent_id", "category_id"))
        .values("top")
        .annotate(n=Count("pk"))
        .order_by("-n", "top")
    )
    rows = list(rows)
    categories = ComplaintCategory.objects.in_bulk([row["top"] for row in rows])
    return Chart(
        key="by-category",
        title=_("Complaints by category"),
        kind="bar",
        sideways=True,
        heading=_("Category"),
        labels=[categories[row["top"]].display_name for row in rows],
        datasets=[(_("Complaints"), [row["n"] for row in rows])],
    )


def _by_channel(complaints: QuerySet[Complaint]) -> Chart:
    counted = dict(complaints.values_list("channel").annotate(n=Count("pk")).order_by())
    used = [(value, label) for value, label in Complaint.Channel.choices if value in counted]
    return Chart(
        key="by-channel",
        title=_("Complaints by channel"),
        kind="doughnut",
        heading=_("Channel"),
        labels=[str(capfirst(label)) for _value, label in used],
        datasets=[(_("Complaints"), [counted[value] for value, _label in used])],
    )


def _by_district(complaints: QuerySet[Complaint]) -> Chart:
    rows = list(
        complaints.values_list("household__region__parent__name")
        .annotate(n=Count("pk"))
        .order_by("household__region__parent_id")
    )
    return Chart(
        key="by-district",
        title=_("Complaints by district"),
        kind="bar",
        heading=_("District"),
        labels=[name for name, _n in rows],
        datasets=[(_("Complaints"), [n for _name, n in rows])],
    )


def _referrals_by_program(referrals: QuerySet[Referral]) -> Chart:
    counted = {
        (code, status): n
        for code, status, n in referrals.values_list("program__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    programs = sorted({code for code, _status in counted})
    statuses = [
        (value, label)
        for value, label in Referral.Status.choices
        if any(status == value for _code, status in counted)
    ]
    return Chart(
        key="referrals-by-program",
        title=_("Referrals by programme and status"),
        kind="stacked",
        heading=_("Programme"),
        labels=programs,
        datasets=[
            (str(capfirst(label)), [counted.get((code, value), 0) for code in programs])
            for value, label in statuses
        ],
    )


def _overdue_by_agency(
    referrals: QuerySet[Referral], day: datetime.date, today: datetime.date
) -> Chart:
    if day < today:
        _start, end_of_day = Period(day, day).bounds()
        late_to_acknowledge, late_to_settle = Referral.late_on_past_day_q(day, end_of_day)
    else:
        late_to_acknowledge = Referral.late_to_acknowledge_q(today)
        late_to_settle = Referral.late_to_settle_q(today)
    rows = list(
        referrals.filter(late_to_acknowledge | late_to_settle)
        .values_list("agency__name")
        .annotate(
            acknowledge=Count("pk", filter=late_to_acknowledge),
            # Counted once: a referral late on both counts is shown as not acknowledged.
            settle=Count("pk", filter=late_to_settle & ~late_to_acknowledge),
        )
        .order_by("agency__name")
    )
    return Chart(
        key="overdue-by-agency",
        title=_("Overdue referrals by agency, today")
        if day == today
        else _("Overdue referrals by agency, on %(day)s")
        % {"day": formats.date_format(day, "j F Y")},
        kind="stacked",
        sideways=True,
        heading=_("Agency"),
        labels=[name for name, _a, _s in rows],
        datasets=[
            (_("Not acknowledged in time"), [a for _name, a, _s in rows]),
            (_("Not settled in time"), [s for _name, _a, s in rows]),
        ],
    )


class _Median(Aggregate):
    """PostgreSQL's exact median of an interval."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_days(rows: QuerySet, start: str, end: str) -> float | None:
    """The median time from `start` to `end` in days (one decimal), None without rows."""
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = rows.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        median = rows.aggregate(median=_Median(took))["median"]
    else:  # the demo's SQLite: few rows
        durations = list(rows.annotate(took=took).values_list("took", flat=True))
        median = statistics.median(durations) if durations else None
    return round(median.total_seconds() / 86400, 1) if median is not None else None
