"""The admin's date hierarchy for long lists.

Django's own asks the database for every distinct year, month or day of the filtered list,
which reads every row of a million-row table. This one reads only the first and last dates
(one query, answered from the date's index) and offers every year and month between them;
a month offers the days that have rows (one query of a probe per day, each answered from
the index). A year or month with nothing in it shows an empty list when chosen.
"""

import calendar
import datetime

from django import template
from django.conf import settings
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.db.models import Exists, Subquery
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from slrt.pagination import EstimatedCountPaginator

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def bounded_date_hierarchy(cl) -> dict:
    field_name = cl.date_hierarchy
    field = get_fields_from_path(cl.model, field_name)[-1]
    year_field, month_field, day_field = (f"{field_name}__{p}" for p in ("year", "month", "day"))
    try:
        year = int(cl.params[year_field]) if year_field in cl.params else None
        month = int(cl.params[month_field]) if month_field in cl.params else None
        day = int(cl.params[day_field]) if day_field in cl.params else None
    except (TypeError, ValueError):
        return {"show": False}

    def link(filters: dict) -> str:
        return cl.get_query_string(filters, [f"{field_name}__"])

    if year is None:
        first, last = _first_and_last(
            cl.queryset,
            field_name,
            field,
            long=cl.result_count >= EstimatedCountPaginator.exact_below,
        )
        if first is None:
            return {"show": False}
        if first.year != last.year:
            return {
                "show": True,
                "back": None,
                "choices": [
                    {"link": link({year_field: y}), "title": str(y)}
                    for y in range(first.year, last.year + 1)
                ],
            }
        year = first.year
        if first.month == last.month:
            month = first.month
    if month is None:
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, m, 1), "YEAR_MONTH_FORMAT")
                    ),
                }
                for m in range(1, 13)
            ],
        }
    if not 1 <= month <= 12:
        return {"show": False}
    if day is None:
        days = [
            datetime.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
        ]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in _days_with_rows(cl.queryset, field_name, field, days)
            ],
        }
    try:
        chosen = datetime.date(year, month, day)
    except ValueError:
        return {"show": False}
    return {
        "show": True,
        "back": {
            "link": link({year_field: year, month_field: month}),
            "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
        },
        "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
    }


def _days_with_rows(queryset, field_name: str, field, days: list) -> list:
    """The `days` on which the list has a row, in one query: a probe per day (`EXISTS`),
    each stopping at the day's first row the filters keep. Days begin at local midnight."""

    def start(day):
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.combine(day, datetime.time.min)
            return timezone.make_aware(moment) if settings.USE_TZ else moment
        return day

    listed = queryset.order_by()
    probes = {
        f"day_{day.day}": Exists(
            listed.filter(
                **{
                    f"{field_name}__gte": start(day),
                    f"{field_name}__lt": start(day + datetime.timedelta(days=1)),
                }
            )
        )
        for day in days
    }
    row = next(iter(listed.annotate(**probes).values(*probes)[:1]), {})
    return [day for day in days if row.get(f"day_{day.day}")]


def _first_and_last(queryset, field_name: str, field, *, long: bool) -> tuple:
    """The list's first and last dates, in one query. A short list is read whole
    (`MIN`/`MAX`). A long one is walked from each end of the date's index, stopping at the
    first row the filters keep: `MIN`/`MAX` over a million scoped referrals read them all
    (350 ms), while walking a short list's index finds its few rows late (5 s)."""
    if long:
        ends = [
            Subquery(queryset.order_by(order).values(field_name)[:1])
            for order in (field_name, f"-{field_name}")
        ]
        bounds = queryset.model._default_manager.annotate(first=ends[0], last=ends[1])
        row = next(iter(bounds.order_by().values("first", "last")[:1]), {})
    else:
        row = queryset.order_by().aggregate(
            first=models.Min(field_name), last=models.Max(field_name)
        )
    first, last = row.get("first"), row.get("last")
    if isinstance(field, models.DateTimeField) and first is not None:
        first, last = (timezone.localtime(v) if timezone.is_aware(v) else v for v in (first, last))
    return first, last
