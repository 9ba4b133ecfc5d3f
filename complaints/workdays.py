"""Working days: Monday to Friday, less Indonesia's public holidays and the joint leave days
(cuti bersama) on which government offices close.

Holidays come from the maintained `holidays` package (Islamic and Chinese dates move every
year, joint leave is decreed yearly), not from a list typed here.
"""

import datetime
import functools

import holidays

CATEGORIES = ("public", "government")  # national holidays and cuti bersama


@functools.cache
def _days_off(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("ID", years=year, categories=CATEGORIES))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


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
