"""A letter's number: the n-th letter of its office (the regency or city of the holder's
household) in a year, written in the office's pattern (`slrt.number_patterns`): the pattern
of the nearest office serving the household's village that sets one (admin › Kantor), else
`SLRT_LETTER_NUMBER_PATTERN` (by default `400.9/{n}/Dinsos/{year}`). Two offices may write
the same number; one office never gives one twice."""

from django.conf import settings
from django.db import transaction

from accounts.models import Office
from letters.models import LetterCounter
from regions.models import Region


def pattern_for(village_code: str) -> str:
    """The pattern the letters of a household of `village_code` are numbered in."""
    offices = Office.objects.filter(region__in=Region.line_of(village_code)).exclude(
        letter_number_pattern=""
    )
    nearest = max(offices, key=lambda office: len(office.region_id), default=None)
    return nearest.letter_number_pattern if nearest else settings.SLRT_LETTER_NUMBER_PATTERN


def next_serial(*, office_region: str, year: int) -> int:
    """Take the next number of `office_region` in `year`: the counter row is made if it is
    missing (a conflict-free insert, so two first letters of a year do not collide) and then
    locked and raised until the caller's transaction ends. Rolled back with it, nothing is
    lost: a number is used only by a letter that was saved with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a letter number is taken inside the issue's transaction")
    LetterCounter.objects.bulk_create(
        [LetterCounter(office_region_id=office_region, year=year)], ignore_conflicts=True
    )
    counter = LetterCounter.objects.select_for_update().get(
        office_region_id=office_region, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
