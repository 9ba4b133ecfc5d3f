"""The registry extract (DTKS/DTSEN, one row per person): its columns, once, and how its
header and rows are read.

`COLUMNS` is the one table of the file's columns: for each, how its cell is read (`kind`),
its length limit, whether the header must have it, its codes, and whether it describes the
household or the person (and which model field it fills). The row-by-row path (`rowwise`),
the set-based path (`setwise`) and the extract writer (`writer`) are each generated from it:
a column is added here, and nowhere else.
"""

import csv
import decimal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from households.models import Household, Person
from households.registry_codes import ChronicIllness, Disability

HOUSEHOLD, PERSON = "household", "person"


class Kind:
    """How a cell is read: each path has one reader per kind."""

    KEY = "key"  # the registry ID: required in the row, at most `limit` characters
    KK = "kk"  # a KK number, or none (its structure is `identity`'s)
    REGION = "region"  # a village code, dotted or as ten digits
    TEXT = "text"  # at most `limit` characters
    NEIGHBOURHOOD = "neighbourhood"  # an RT or RW number (`households.rules.neighbourhood_number`)
    NIK = "nik"  # a NIK, or none (its structure and fit are `identity`'s)
    SEX = "sex"  # 1/2, L/P, M/F
    DATE = "date"  # DD-MM-YYYY, YYYY-MM-DD or DD/MM/YYYY
    RELATIONSHIP = "relationship"  # the registry's code, 1 to 8
    CODE = "code"  # one of `choices`, or `default` when empty
    DECIMAL = "decimal"  # from `low` to `high`, in hundredths at most
    RUPIAH = "rupiah"  # the same, kept in whole rupiah
    FLAG = "flag"  # yes (1, ya, …) or no (0, tidak, empty, …)


@dataclass(frozen=True)
class Column:
    name: str  # in the file's header
    kind: str
    of: str  # HOUSEHOLD or PERSON
    field: str = ""  # the model field it fills (the name, unless told)
    limit: int | None = None  # characters, for KEY and TEXT
    required: bool = False  # the header must name it
    choices: tuple = ()  # for CODE
    default: object = None  # for CODE, when the cell is empty
    low: decimal.Decimal | int | None = None  # for DECIMAL and RUPIAH
    high: decimal.Decimal | int | None = None

    @property
    def target(self) -> str:
        return self.field or self.name

    @property
    def model_field(self):
        return (Household if self.of == HOUSEHOLD else Person)._meta.get_field(self.target)


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _choices(name: str) -> tuple[int, ...]:
    return tuple(value for value, _label in Household._meta.get_field(name).choices)


CODED = ["floor_material", "wall_material", "roof_material", "water_source", "lighting",
         "cooking_fuel", "toilet", "tenure"]  # fmt: skip
ASSETS = ["owns_land", "owns_other_house", "owns_refrigerator", "owns_air_conditioner",
          "owns_motorcycle", "owns_car", "owns_gold"]  # fmt: skip
FLOOR_AREA_MAX = decimal.Decimal("99999.99")  # m², as the column holds it
INCOME_MAX = 10**12  # rupiah a month: anything above is a typing error

# The file's columns, in the order the extract writer writes them.
COLUMNS: tuple[Column, ...] = (
    Column("dtks_id", Kind.KEY, HOUSEHOLD, limit=_limit(Household, "dtks_id"), required=True),
    Column("kk_number", Kind.KK, HOUSEHOLD, required=True),
    Column("region_code", Kind.REGION, HOUSEHOLD, field="region_id", required=True),
    Column("address", Kind.TEXT, HOUSEHOLD, limit=_limit(Household, "address")),
    Column("rt", Kind.NEIGHBOURHOOD, HOUSEHOLD),
    Column("rw", Kind.NEIGHBOURHOOD, HOUSEHOLD),
    Column("desil", Kind.CODE, HOUSEHOLD, choices=tuple(range(1, 11))),
    Column("nik", Kind.NIK, PERSON, required=True),
    Column("name", Kind.TEXT, PERSON, limit=_limit(Person, "name"), required=True),
    Column("sex", Kind.SEX, PERSON, required=True),
    Column("birth_date", Kind.DATE, PERSON, required=True),
    Column("birth_place", Kind.TEXT, PERSON, limit=_limit(Person, "birth_place")),
    Column("relationship", Kind.RELATIONSHIP, PERSON, required=True),
    Column("disability", Kind.CODE, PERSON, choices=tuple(Disability.values), default=0),
    Column("chronic_illness", Kind.CODE, PERSON, choices=tuple(ChronicIllness.values), default=0),
    *(Column(name, Kind.CODE, HOUSEHOLD, choices=_choices(name)) for name in CODED),
    Column("floor_area", Kind.DECIMAL, HOUSEHOLD, low=1, high=FLOOR_AREA_MAX),
    Column("monthly_income", Kind.RUPIAH, HOUSEHOLD, low=0, high=INCOME_MAX),
    *(Column(name, Kind.FLAG, HOUSEHOLD) for name in ASSETS),
)

KEY = next(column for column in COLUMNS if column.kind == Kind.KEY)
EXTRACT_COLUMNS = [column.name for column in COLUMNS]
REQUIRED = [column.name for column in COLUMNS if column.required]
# The model fields an import sets from the file (the registry ID apart) and from what it
# derives: the desil's source and date, and the normalised name.
HOUSEHOLD_FIELDS = [c.target for c in COLUMNS if c.of == HOUSEHOLD and c is not KEY]
HOUSEHOLD_DERIVED = ["desil_source", "desil_date"]
PERSON_FIELDS = [c.target for c in COLUMNS if c.of == PERSON]
PERSON_DERIVED = ["name_normalized"]

SEX = {"1": "M", "2": "F", "L": "M", "P": "F", "M": "M", "F": "F"}
YES = frozenset({"1", "y", "ya", "yes", "true"})
NO = frozenset({"", "0", "t", "tidak", "no", "false"})
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y")
DESIL_SOURCE = "DTKS"


# --- reading the header and the rows ---


class MissingColumns(Exception):
    def __init__(self, columns: list[str]):
        self.columns = columns
        message = _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(columns)}
        super().__init__(message)


class UnreadableExtract(Exception):
    """A line the CSV reader cannot read (a cell longer than it takes, 131,072 characters)."""

    def __init__(self, line: int):
        self.line = line
        message = _(
            "Line %(line)s cannot be read as CSV: a cell is longer than %(limit)s characters."
        )
        limit = number_format(csv.field_size_limit(), force_grouping=True)
        super().__init__(message % {"line": line, "limit": limit})


# An extract has some forty columns; PostgreSQL's import stages the file in a table of one
# column per header name, and a table takes at most 1,600.
MAX_COLUMNS = 200


class TooManyColumns(UnreadableExtract):
    """A header of more columns than any extract has."""

    def __init__(self, count: int):
        self.line = 1
        message = _(
            "The first line has %(count)s columns; a registry extract has some forty, and "
            "at most %(limit)s are read. Check that the file is the registry extract, saved "
            "as CSV."
        )
        Exception.__init__(
            self,
            message % {"count": number_format(count, force_grouping=True), "limit": MAX_COLUMNS},
        )


def read_header(first: str) -> tuple[str, list[str]]:
    """The delimiter (`,` or `;`) and the column names (any case) of an extract's first line;
    `MissingColumns` if a required one is not among them, `TooManyColumns` past MAX_COLUMNS."""
    first = first.lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        cells = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        raise UnreadableExtract(1) from None
    if len(cells) > MAX_COLUMNS:
        raise TooManyColumns(len(cells))
    header = [name.strip().lower() for name in cells]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise MissingColumns(missing)
    return delimiter, header


def read_rows(handle: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of an extract: UTF-8 with or without BOM, `,` or `;`,
    column names in any case; unknown columns kept but unused."""
    delimiter, header = read_header(handle.readline())
    reader = csv.reader(handle, delimiter=delimiter)
    for line, cells in enumerate(readable_rows(reader, first_line=2), start=2):
        if not any(cell.strip() for cell in cells):
            continue
        yield line, {name: cell.strip() for name, cell in zip(header, cells, strict=False)}


def readable_rows(reader, *, first_line: int) -> Iterator[list[str]]:
    """The rows of a `csv.reader`; `UnreadableExtract` at the first it cannot read."""
    row = first_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise UnreadableExtract(row) from None
        row += 1
        yield cells
