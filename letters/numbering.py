"""A letter's number: the n-th letter of its office in a year, written in the office's
pattern (`SLRT_LETTER_NUMBER_PATTERN`, by default `400.9/{n}/Dinsos/{year}`). The pattern
names `{n}` and `{year}`, and may name `{office}` (the office's region code, digits only)."""

import re

from django.db import transaction

from letters.models import LetterCounter

FIELDS = ("n", "year", "office")
_FIELD = re.compile(r"\{([^{}]*)\}")


def pattern_errors(pattern: str) -> list[str]:
    named = _FIELD.findall(pattern)
    errors = [f"unknown field {{{name}}}" for name in named if name not in FIELDS]
    errors += [f"{{{name}}} is missing" for name in ("n", "year") if name not in named]
    return errors


def number_written(pattern: str, *, n: int, year: int, office: str) -> str:
    values = {"n": str(n), "year": str(year), "office": office.replace(".", "")}
    return _FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), pattern)


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
