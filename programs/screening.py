"""Bulk screening: the households a programme misses, and those it serves that no longer fit.

An *exclusion error* is a household that qualifies under the programme's rule but is not
enrolled; an *inclusion error* is one enrolled that no longer qualifies. Both come from one
SQL query per programme: the compiled rule (`rules.rule_q`) beside a left join on the
programme's active enrolments, keeping the rows where the two disagree. The rule counts only
the active members (`rules.with_rule_fields`): the dead and those who moved out are skipped,
and so are the households that ended.
No household is ever looked at in Python; the CSV writer only formats the rows the database
returns.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from households.masking import mask_identifier
from households.models import Household, Person
from households.registry_codes import Relationship
from programs.models import Enrollment, InclusionErrorFlag, Program
from programs.rules import rule_q, with_rule_fields
from regions.models import within_q
from slrt.spreadsheets import csv_writer

EXCLUSION = "exclusion"
INCLUSION = "inclusion"

# The CSV's columns, in order; the query's rows carry the same keys.
COLUMNS = [
    "finding",
    "household_id",
    "dtks_id",
    "kk_number",
    "head_name",
    "region_code",
    "village",
    "address",
    "desil",
]


def finding_label(finding: str) -> str:
    return {
        EXCLUSION: _("qualifies, not enrolled"),
        INCLUSION: _("enrolled, no longer qualifies"),
    }[finding]


def screening_query(
    program: Program, *, region_code: str | None, today: datetime.date
) -> QuerySet[Household]:
    """Households (of `region_code` and below, or all) where the rule and the enrolments
    disagree, as dicts with the CSV's keys plus `enrolled`: enrolled rows are inclusion
    errors, the others exclusion errors. One query."""
    # CASE WHEN turns the rule's SQL NULL (a comparison with a missing desil) into false,
    # exactly as the Python engine reads it.
    # A household where nobody lives any more (all died or moved out, not yet dissolved)
    # qualifies for nothing: enrolled, it is an inclusion error.
    qualifies = Case(
        When(rule_q(program.rule, today=today) & Q(rule_size__gt=0), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    head_name = (
        Person.objects.active()
        .filter(household=OuterRef("pk"), relationship=Relationship.HEAD)
        .order_by()  # one head per household (a constraint): no sort needed
        .values("name")[:1]
    )
    households = with_rule_fields(Household.objects.filter(dissolved_on__isnull=True))
    if region_code:
        households = households.filter(within_q(region_code, "region"))
    return (
        households.alias(
            enrolment=FilteredRelation(
                "enrollments",
                condition=Q(enrollments__program=program) & Enrollment.active_q("enrollments"),
            ),
            qualifies=qualifies,
            # Enrolled but flagged (an objection upheld in the field): an inclusion error
            # whatever the rule says.
            flagged=Exists(InclusionErrorFlag.objects.filter(household=OuterRef("pk"))),
        )
        .annotate(enrolled=Q(enrolment__isnull=False), head_name=Subquery(head_name))
        .exclude(Q(qualifies=F("enrolled")) & ~(Q(enrolled=True) & Q(flagged=True)))
        .order_by("region_id", "pk")
        .values(
            "enrolled",
            "dtks_id",
            "kk_number",
            "head_name",
            "address",
            "desil",
            household_id=F("pk"),
            region_code=F("region_id"),
            village=F("region__name"),
        )
    )


@dataclass
class ScreeningResult:
    exclusion: int = 0
    inclusion: int = 0

    @property
    def total(self) -> int:
        return self.exclusion + self.inclusion


def screening_rows(
    program: Program, *, region_code: str | None, today: datetime.date
) -> Iterator[dict]:
    """The findings, streamed from the database, with `finding` set and identifiers masked."""
    query = screening_query(program, region_code=region_code, today=today)
    with _planned_for_every_row():
        for row in query.iterator(chunk_size=2000):
            row["finding"] = INCLUSION if row.pop("enrolled") else EXCLUSION
            row["kk_number"] = mask_identifier(row["kk_number"])
            yield row


@contextmanager
def _planned_for_every_row():
    """PostgreSQL plans a streamed (server-side cursor) query for its first tenth of rows by
    default, which picks nested loops that are twice as slow for a whole registry. The
    setting is the session's rather than the transaction's, so that a run's progress, written
    between rows, is seen by the page polling it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def screening_write_csv(
    rows: Iterator[dict],
    out: IO[str],
    *,
    progress: Callable[[ScreeningResult], None] | None = None,
    every: int = 2000,
) -> ScreeningResult:
    """Write the findings as CSV (a header, then a row each); call `progress` every `every`
    rows and at the end. Returns the counts."""
    result = ScreeningResult()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[key] for key in COLUMNS])
        if row["finding"] == INCLUSION:
            result.inclusion += 1
        else:
            result.exclusion += 1
        if progress is not None and result.total % every == 0:
            progress(result)
    if progress is not None:
        progress(result)
    return result
