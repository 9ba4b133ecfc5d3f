"""Writing an extract, as the national registry writes one (generated registries, for the
import benchmark and round trips): one cell per column of `extract.COLUMNS`, each written
by its kind's writer, so that what is written reads back as it was."""

import csv
from typing import IO

from households.models import Person
from households.registry_codes import Relationship
from households.registry_import.extract import COLUMNS, EXTRACT_COLUMNS, HOUSEHOLD, Kind

_REGISTRY_CODE = {relationship: str(code) for code, relationship in enumerate(Relationship, 1)}
_SEX_CODE = {"M": "1", "F": "2"}


def _blank_if_none(value) -> object:
    return "" if value is None else value


CELL_WRITERS = {
    Kind.KEY: _blank_if_none,
    Kind.KK: _blank_if_none,
    Kind.REGION: str,
    Kind.TEXT: str,
    Kind.NEIGHBOURHOOD: str,
    Kind.NIK: _blank_if_none,
    Kind.SEX: _SEX_CODE.__getitem__,
    Kind.DATE: lambda value: f"{value:%d-%m-%Y}",
    Kind.RELATIONSHIP: _REGISTRY_CODE.__getitem__,
    Kind.CODE: _blank_if_none,
    Kind.DECIMAL: _blank_if_none,
    Kind.RUPIAH: _blank_if_none,
    Kind.FLAG: int,
}


def write_extract(households, out: IO[str]) -> int:
    """Write `households` (a queryset) and their members as an extract; return the number
    of rows. Read in chunks: memory stays flat."""
    writer = csv.writer(out)
    writer.writerow(EXTRACT_COLUMNS)
    cells = [(column.of == HOUSEHOLD, column.target, CELL_WRITERS[column.kind])
             for column in COLUMNS]  # fmt: skip
    rows = 0
    people = Person.objects.filter(household__in=households).select_related("household")
    for person in people.order_by("household_id", "pk").iterator(chunk_size=2000):
        home = person.household
        writer.writerow(
            [
                write(getattr(home if of_household else person, name))
                for of_household, name, write in cells
            ]
        )
        rows += 1
    return rows
