"""Rate limits of the public pages (the status check, a letter's check), counted in rows of
the page's own log, so that they hold across every web process: a caller is refused once
their rows inside the window reach the limit."""

import datetime

from django.db.models import QuerySet


def over_limit(
    rows: QuerySet, *, now: datetime.datetime, window_minutes: int, limits: dict[str, tuple]
) -> bool:
    """Whether any of `limits` (`{field: (value, most)}`: at most `most` rows with `field` =
    `value`) is reached among the `rows` of the last `window_minutes` (their `at`)."""
    recent = rows.filter(at__gte=now - datetime.timedelta(minutes=window_minutes))
    return any(
        recent.filter(**{field: value}).count() >= most for field, (value, most) in limits.items()
    )
