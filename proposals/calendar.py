"""The monthly cycle of proposals, in each office's days (`accounts.Office`): which month's
batch a proposal submitted on a day goes into, and how many days are left to enter them."""

import datetime
from dataclasses import dataclass

from accounts.models import Office
from accounts.selectors import office_for_region


@dataclass(frozen=True)
class Cycle:
    """The days of the month that rule proposals in one area."""

    meeting_last_day: int
    input_last_day: int
    cutoff_day: int
    pull_day: int
    objection_working_days: int
    objection_unverified_outcome: str


CYCLE_FIELDS = [
    "proposal_meeting_last_day",
    "proposal_input_last_day",
    "proposal_cutoff_day",
    "proposal_pull_day",
    "objection_working_days",
    "objection_unverified_outcome",
]


def _default(name: str):
    return Office._meta.get_field(name).default


def cycle_for(region_code: str | None) -> Cycle:
    """The cycle of the office serving `region_code` (the nearest office above it), or the
    regulation's defaults where no office is set up."""
    office = office_for_region(region_code)
    values = [getattr(office, name) if office else _default(name) for name in CYCLE_FIELDS]
    return Cycle(*values)


def batch_month(cycle: Cycle, day: datetime.date) -> datetime.date:
    """The month (its first day) whose batch a proposal submitted on `day` goes into: this
    month's up to the cut-off day, next month's after it."""
    first = day.replace(day=1)
    if day.day <= cycle.cutoff_day:
        return first
    return (first + datetime.timedelta(days=32)).replace(day=1)


def input_days_left(cycle: Cycle, day: datetime.date) -> int:
    """Days left before input closes for this month's batch, `day` included as a whole day
    (0 on the day after the last day of input, until next month begins)."""
    return max(cycle.input_last_day - day.day + 1, 0)
