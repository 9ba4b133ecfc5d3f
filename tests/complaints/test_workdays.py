import datetime

import pytest

from complaints.workdays import add_working_days, is_working_day

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 23), 1, D(2026, 11, 24)),  # Monday → Tuesday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday → Monday, over the weekend
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # registered on a Saturday
        (D(2026, 8, 14), 1, D(2026, 8, 18)),  # Friday; Monday 17 August is Independence Day
        (D(2026, 12, 23), 1, D(2026, 12, 28)),  # Wednesday; 24th joint leave, 25th Christmas
        # Nyepi (19th) and Idul Fitri (21–22) with their joint leave days (18, 20, 23, 24)
        (D(2026, 3, 17), 1, D(2026, 3, 25)),
        (D(2026, 11, 23), 14, D(2026, 12, 11)),  # the default resolution time
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_working_days_skip_weekends_and_public_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_a_weekday_holiday_is_not_a_working_day():
    assert not is_working_day(D(2026, 1, 1))
    assert is_working_day(D(2026, 1, 2))


def test_joint_leave_days_are_not_working_days():
    assert not is_working_day(D(2026, 12, 24))  # cuti bersama Natal


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 1, 1), -1)
