"""Working days: Monday to Friday, less Indonesia's national public holidays.

Holidays come from the maintained `holidays` package (Islamic and Chinese dates move every
year), not from a list typed here.
"""

import datetime
import functools

import holidays


@functools.cache
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (`start` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def holiday_name(day: datetime.date) -> str | None:
    """The Indonesian name of the public holiday on `day`, if it is one."""
    names = holidays.country_holidays("ID", years=day.year, language="id")
    return names.get(day)
