"""Importing an extract of the national social registry (DTKS/DTSEN), one row per person.

The file is read a row at a time and written a batch of households at a time, each batch in
one transaction, so that memory stays flat whatever the file's size. Each household is
checked with the registry's own rules (`household_rule_errors`, as on the forms); the
database is asked once per batch which households, KK numbers and NIKs it knows already.
A refused row goes to the error report (line, column, message); the other rows still load.
Importing the same file again updates, never duplicates: households are matched by their
registry ID, else by KK number; people by NIK, else by name and birth date in the household.
An import into an area (a supervisor's upload) matches nothing outside it: a row naming the
NIK, KK number or registry ID of a record elsewhere is refused, without saying where.

This is the portable path (any database, and on PostgreSQL the households the set-based path
of `dtks_copy` leaves to Python). `dtks_import_file` takes the fastest path the database has.
"""

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Household, Person
from households.names import normalize_name
from households.registry_codes import ChronicIllness, Disability, Relationship
from households.rules import household_rule_errors
from regions.models import Region
from regions.models import within_q as region_within_q

REQUIRED = ["dtks_id", "kk_number", "region_code", "nik", "name", "sex", "birth_date",
            "relationship"]  # fmt: skip
CODED = ["floor_material", "wall_material", "roof_material", "water_source", "lighting",
         "cooking_fuel", "toilet", "tenure"]  # fmt: skip
ASSETS = ["owns_land", "owns_other_house", "owns_refrigerator", "owns_air_conditioner",
          "owns_motorcycle", "owns_car", "owns_gold"]  # fmt: skip
FLOOR_AREA_MAX = decimal.Decimal("99999.99")  # m², as the column holds it
INCOME_MAX = 10**12  # rupiah a month: anything above is a typing error
CENT = decimal.Decimal("0.01")
SEX = {"1": "M", "2": "F", "L": "M", "P": "F", "M": "M", "F": "F"}
YES = {"1", "y", "ya", "yes", "true"}
NO = {"", "0", "t", "tidak", "no", "false"}
HOUSEHOLD_VALUES = ["kk_number", "region_id", "address", "rt", "rw", "desil", "desil_source",
                    "desil_date", *CODED, "floor_area", "monthly_income", *ASSETS]  # fmt: skip
PERSON_VALUES = ["nik", "name", "name_normalized", "sex", "birth_date", "birth_place",
                 "relationship", "disability", "chronic_illness"]  # fmt: skip


# A row naming a record outside the importer's area: said without saying where it is.
OUTSIDE_MESSAGES = {
    "nik": gettext_lazy(
        "This NIK is registered outside your area; move the record through a supervisor."
    ),
    "kk_number": gettext_lazy(
        "This KK number is registered outside your area; move the record through a supervisor."
    ),
    "dtks_id": gettext_lazy(
        "This registry ID is registered outside your area; move the record through a supervisor."
    ),
}


# A person's history says when a registry import moved them from another household.
MOVED_REASON = gettext_lazy("Moved to another household by the registry import")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0  # read so far
    done: int = 0  # written or refused so far
    total: int | None = None  # in the file, once known
    refused: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    # Numbers found registered outside the area (refused with their own message): an
    # existence check, which the access log records as the registration form's.
    outside: int = 0
    errors: list[RowError] = field(default_factory=list)  # when no `on_error` takes them
    on_error: Callable[[RowError], None] | None = None
    # Where the time went, by step, and how many rows were checked one at a time in Python
    # (all of them on the portable path; on PostgreSQL, the households SQL left to it).
    seconds: dict[str, float] = field(default_factory=dict)
    rows_one_by_one: int = 0

    def add_error(self, error: RowError) -> None:
        if self.on_error is None:
            self.errors.append(error)
        else:
            self.on_error(error)

    def plus(self, part: "ImportResult") -> "ImportResult":
        """These counts and those of `part`, an import of some of the same rows."""
        counts = ["refused", "households_created", "households_updated",
                  "households_unchanged", "persons_created", "persons_updated",
                  "persons_unchanged", "outside"]  # fmt: skip
        return ImportResult(
            rows=self.rows,
            done=self.done + part.done,
            total=self.total,
            errors=self.errors + part.errors,
            on_error=self.on_error,
            seconds=self.seconds,
            rows_one_by_one=self.rows_one_by_one + part.rows_one_by_one,
            **{name: getattr(self, name) + getattr(part, name) for name in counts},
        )


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


@dataclass
class _Member:
    line: int
    values: dict


@dataclass
class _Home:
    dtks_id: str
    line: int
    values: dict
    members: list[_Member] = field(default_factory=list)
    household: Household | None = None


def dtks_import_stream(
    handle: IO[bytes],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportResult:
    """Import the extract `handle` reads (binary): through `COPY` and set-based SQL on
    PostgreSQL, else a row at a time. With `area` (a region code), households elsewhere are
    refused. Raises `MissingColumns`, or `UnicodeDecodeError` for a file not in UTF-8."""
    options = {"area": area, "batch_households": batch_households, "progress": progress,
               "on_error": on_error}  # fmt: skip
    if connection.vendor == "postgresql":
        from households.dtks_copy import dtks_import_copy  # it builds on this module

        return dtks_import_copy(handle, **options)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        return dtks_import(dtks_rows(text), **options)
    finally:
        text.detach()


def dtks_header(first: str) -> tuple[str, list[str]]:
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


def dtks_rows(handle: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of an extract: UTF-8 with or without BOM, `,` or `;`,
    column names in any case; unknown columns kept but unused."""
    delimiter, header = dtks_header(handle.readline())
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


def dtks_import(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportResult:
    """Load the rows (from `dtks_rows`); return the counts. Each refused row goes to
    `on_error` as it is found (a report written as the file is read), else to the result.
    With `area` (a region code), households outside it are refused, and so are rows
    naming a NIK, KK number or registry ID registered outside it."""
    result = ImportResult(on_error=on_error)
    villages = set(Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True))
    today = timezone.localdate()
    batch: list[_Home] = []
    home: _Home | None = None
    for line, row in rows:
        result.rows += 1
        household, person, errors = _parse(line, row, villages, area)
        if errors:
            for error in errors:
                result.add_error(error)
            result.refused += 1
            continue
        dtks_id = household.pop("dtks_id")
        if home is None or home.dtks_id != dtks_id:
            if home is not None:
                batch.append(home)
            home = _Home(dtks_id, line, household)
            if len(batch) >= batch_households:
                _write(batch, result, today, area)
                batch = []
                result.done = result.rows - 1  # all but the row that began the next household
                if progress is not None:
                    progress(result)
        elif household["kk_number"] != home.values["kk_number"]:
            message = _("Another KK number than in this household's row %(line)s.")
            result.add_error(RowError(line, "kk_number", message % {"line": home.line}))
            result.refused += 1
            continue
        home.members.append(_Member(line, person))
    if home is not None:
        batch.append(home)
    _write(batch, result, today, area)
    result.done = result.rows_one_by_one = result.rows
    if progress is not None:
        progress(result)
    return result


def _parse(line: int, row: dict[str, str], villages: set[str], area: str | None):
    """A row's household and person values, or the errors that refuse it."""
    errors: list[RowError] = []

    def refuse(column: str, message: str) -> None:
        errors.append(RowError(line, column, str(message)))

    dtks_id = row.get("dtks_id", "")
    if not dtks_id:
        refuse("dtks_id", _("The registry ID is missing."))
    region = row.get("region_code", "")
    if len(region) == 10 and _digits(region) is not None:
        region = f"{region[:2]}.{region[2:4]}.{region[4:6]}.{region[6:]}"
    if region not in villages:
        refuse("region_code", _("%(code)s is not a village code.") % {"code": region or "—"})
    elif area and not Region.code_is_within(region, area):
        message = _("%(code)s is outside your area (%(area)s).")
        refuse("region_code", message % {"code": region, "area": area})
    sex = SEX.get(row.get("sex", "").upper())
    if sex is None:
        refuse("sex", _("Sex is 1 or 2 (also L/P, M/F)."))
    birth_date = _date(row.get("birth_date", ""))
    if birth_date is None:
        refuse("birth_date", _("A date is DD-MM-YYYY or YYYY-MM-DD."))
    relationship = row.get("relationship", "")
    if not 1 <= (_digits(relationship) or 0) <= 8:
        refuse("relationship", _("The relationship is a code from 1 to 8."))
    else:
        relationship = Relationship.from_registry_code(int(relationship))
    person = {
        "nik": row.get("nik") or None,
        "name": _text(row, "name", 150, refuse),
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": _text(row, "birth_place", 100, refuse),
        "relationship": relationship,
        "disability": _code(row, "disability", Disability.values, refuse, default=0),
        "chronic_illness": _code(row, "chronic_illness", ChronicIllness.values, refuse, default=0),
    }
    household = {
        "dtks_id": _text(row, "dtks_id", 40, refuse),
        "kk_number": row.get("kk_number") or None,
        "region_id": region,
        "address": _text(row, "address", 255, refuse),
        "rt": _text(row, "rt", 3, refuse),
        "rw": _text(row, "rw", 3, refuse),
        "desil": _code(row, "desil", range(1, 11), refuse, default=None),
        **{name: _code(row, name, _choices(name), refuse, default=None) for name in CODED},
        "floor_area": _number(row, "floor_area", refuse, low=1, high=FLOOR_AREA_MAX),
        "monthly_income": _number(row, "monthly_income", refuse, low=0, high=INCOME_MAX),
        **{name: _flag(row, name, refuse) for name in ASSETS},
    }
    if household["desil"] is not None:
        household["desil_source"] = "DTKS"
        household["desil_date"] = timezone.localdate()
    else:
        household["desil_source"], household["desil_date"] = "", None
    return household, person, errors


def _choices(name: str) -> list[int]:
    return [value for value, _label in Household._meta.get_field(name).choices]


def _date(text: str) -> datetime.date | None:
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _digits(text: str) -> int | None:
    """The number a field of ASCII digits writes, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _text(row, name, limit, refuse) -> str:
    text = row.get(name, "")
    if len(text) > limit:
        refuse(name, _("At most %(limit)s characters.") % {"limit": limit})
        return text[:limit]
    return text


def _code(row, name, allowed, refuse, *, default):
    text = row.get(name, "")
    if text == "":
        return default
    if _digits(text) in allowed:
        return int(text)
    refuse(name, _("%(value)s is not one of the registry's codes for this column.")
           % {"value": text[:20]})  # fmt: skip
    return default


def _number(row, name, refuse, *, low, high):
    """A decimal number (`,` or `.`) from `low` to `high`, in hundredths at most."""
    text = row.get(name, "").replace(",", ".")
    if text == "":
        return None
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        refuse(name, _("Not a number."))
        return None
    if not value.is_finite() or not low <= value <= high or value != value.quantize(CENT):
        refuse(name, _("A number from %(low)s to %(high)s, in hundredths at most.")
               % {"low": low, "high": high})  # fmt: skip
        return None
    return value if name == "floor_area" else int(value)


def _flag(row, name, refuse) -> bool:
    text = row.get(name, "").lower()
    if text in YES:
        return True
    if text not in NO:
        refuse(name, _("Write 1 for yes, 0 for no."))
    return False


def _write(
    batch: list[_Home], result: ImportResult, today: datetime.date, area: str | None
) -> None:
    """Check each household with the registry's rules, then upsert the batch at once."""
    _refuse_repeats(batch, result)
    if area:
        _refuse_niks_elsewhere(batch, result, area)
    homes = [home for home in batch if _keep_valid(home, result, today)]
    if not homes:
        return
    with transaction.atomic():
        known = _known_households(homes)
        accepted = []
        for home in homes:
            kk_number = home.values["kk_number"]
            existing = known.get(home.dtks_id) or known.get(kk_number)
            owner = known.get(kk_number) if kk_number else None
            # Before any message that names a registered household: those elsewhere are not
            # described, whatever else is wrong with the row.
            if area and _elsewhere(known.get(home.dtks_id), area):
                _refuse_home(home, result, "dtks_id", OUTSIDE_MESSAGES["dtks_id"])
                result.outside += 1
                continue
            if area and _elsewhere(owner, area):
                _refuse_home(home, result, "kk_number", OUTSIDE_MESSAGES["kk_number"])
                result.outside += 1
                continue
            if existing is not None and existing.dtks_id not in (None, home.dtks_id):
                message = _("This KK number belongs to registry ID %(id)s.")
                _refuse_home(home, result, "kk_number", message % {"id": existing.dtks_id})
                continue
            if owner is not None and owner != existing:
                message = _("This KK number belongs to household %(id)s, which has no registry ID.")
                _refuse_home(home, result, "kk_number", message % {"id": owner.pk})
                continue
            home.household = existing
            accepted.append(home)
        homes = accepted
        new = [home for home in homes if home.household is None]
        for home in new:
            home.household = Household(dtks_id=home.dtks_id, **home.values)
        Household.objects.bulk_create([home.household for home in new])
        updated = []
        for home in homes:
            if home in new:
                continue
            household = home.household
            if household.desil == home.values["desil"]:  # its source and date: when it changed
                home.values["desil_source"] = household.desil_source
                home.values["desil_date"] = household.desil_date
            if _apply(household, {"dtks_id": home.dtks_id, **home.values}):
                updated.append(household)
        if updated:
            Household.objects.bulk_update(updated, ["dtks_id", *HOUSEHOLD_VALUES])
        result.households_created += len(new)
        result.households_updated += len(updated)
        result.households_unchanged += len(homes) - len(new) - len(updated)
        _write_people(homes, result)


def _elsewhere(household: Household | None, area: str) -> bool:
    return household is not None and not Region.code_is_within(household.region_id, area)


def _refuse_niks_elsewhere(batch: list[_Home], result: ImportResult, area: str) -> None:
    """Refuse the rows whose NIK is a person's of a household outside `area`: that person
    is moved by a supervisor of both areas, never by a file. (The rules then refuse a
    household left without its head.)"""
    niks = [m.values["nik"] for home in batch for m in home.members if m.values["nik"]]
    if not niks:
        return
    inside = region_within_q(area, "household__region")
    elsewhere = set(
        Person.objects.filter(nik__in=niks).exclude(inside).values_list("nik", flat=True)
    )
    if not elsewhere:
        return
    for home in batch:
        kept = []
        for member in home.members:
            if member.values["nik"] in elsewhere:
                result.add_error(RowError(member.line, "nik", str(OUTSIDE_MESSAGES["nik"])))
                result.refused += 1
                result.outside += 1
            else:
                kept.append(member)
        home.members = kept


def _refuse_repeats(batch: list[_Home], result: ImportResult) -> None:
    """Refuse a household whose KK number a household earlier in the batch already gave,
    as a later batch refuses it once the earlier one is written."""
    owners: dict[str, str] = {}
    for home in batch:
        kk_number = home.values["kk_number"]
        if kk_number in owners and owners[kk_number] != home.dtks_id:
            message = _("This KK number belongs to registry ID %(id)s.")
            _refuse_home(home, result, "kk_number", message % {"id": owners[kk_number]})
        elif kk_number:
            owners[kk_number] = home.dtks_id


def _apply(obj, values: dict) -> bool:
    """Set `values` on `obj`; whether anything changed (an unchanged row is not written)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _keep_valid(home: _Home, result: ImportResult, today: datetime.date) -> bool:
    """Drop the members the rules refuse; refuse the household if it is still not valid."""
    while True:
        household_errors, member_errors = household_rule_errors(
            home.values, [member.values for member in home.members], today=today
        )
        if not any(member_errors):
            break
        kept = []
        for member, errors in zip(home.members, member_errors, strict=True):
            if errors:
                for column, messages in errors.items():
                    result.add_error(RowError(member.line, column, " ".join(messages)))
                result.refused += 1
            else:
                kept.append(member)
        home.members = kept
    if household_errors or not home.members:
        for column, messages in (household_errors or {"members": [_("No member left.")]}).items():
            _refuse_home(home, result, column, " ".join(messages))
        return False
    return True


def _refuse_home(home: _Home, result: ImportResult, column: str, message: str) -> None:
    for member in home.members:
        result.add_error(RowError(member.line, column, str(message)))
    result.refused += len(home.members)
    home.members = []


def _known_households(homes: list[_Home]) -> dict[str, Household]:
    """The batch's households the registry knows, by registry ID and by KK number."""
    ids = [home.dtks_id for home in homes]
    kks = [home.values["kk_number"] for home in homes if home.values["kk_number"]]
    known: dict[str, Household] = {}
    for household in Household.objects.filter(Q(dtks_id__in=ids) | Q(kk_number__in=kks)):
        if household.kk_number:
            known.setdefault(household.kk_number, household)
        if household.dtks_id:
            known[household.dtks_id] = household
    return known


def _write_people(homes: list[_Home], result: ImportResult) -> None:
    """Upsert the members: by NIK wherever they were, else by name and birth date in their
    household. A household's head changes last, so that it never has two."""
    niks = [m.values["nik"] for home in homes for m in home.members if m.values["nik"]]
    by_nik = {person.nik: person for person in Person.objects.filter(nik__in=niks)}
    ids = [home.household.pk for home in homes]
    by_name: dict[tuple, Person] = {}
    for person in Person.objects.filter(household_id__in=ids, nik__isnull=True):
        by_name[(person.household_id, person.name_normalized, person.birth_date)] = person
    created: list[Person] = []
    updated: dict[int, Person] = {}
    moved: dict[int, Person] = {}  # from another household: written in their history
    staying_heads = set()  # heads now, and the file's head of the same household
    for home in homes:
        for member in home.members:
            values = {**member.values, "name_normalized": normalize_name(member.values["name"])}
            key = (home.household.pk, values["name_normalized"], values["birth_date"])
            person = by_nik.get(values["nik"]) if values["nik"] else None
            if person is None:  # registered without a NIK, at the desk or by an earlier import
                person = by_name.pop(key, None)
            if person is None:
                person = Person(household=home.household, **values)
                created.append(person)
                if values["nik"]:  # a later row with this NIK moves this person, as below
                    by_nik[values["nik"]] = person
                continue
            if (person.household_id, person.relationship, values["relationship"]) == (
                home.household.pk, Relationship.HEAD, Relationship.HEAD
            ):  # fmt: skip
                staying_heads.add(person.pk)
            # A NIK found again in the file is a person who moved: the later row wins.
            if person.pk is not None and person.household_id != home.household.pk:
                moved[person.pk] = person
            if not _apply(person, {"household_id": home.household.pk, **values}):
                result.persons_unchanged += 1
                continue
            result.persons_updated += 1
            if person.pk is not None:
                updated[person.pk] = person
    updated = list(updated.values())
    heads = [person for person in updated if person.relationship == Relationship.HEAD]
    # Whoever heads these households now and is not the file's head there steps down first.
    Person.objects.filter(household_id__in=ids, relationship=Relationship.HEAD).exclude(
        pk__in=staying_heads
    ).update(relationship=Relationship.OTHER)
    others = [person for person in updated if person.relationship != Relationship.HEAD]
    fields = ["household", *PERSON_VALUES]
    if others:
        Person.objects.bulk_update(others, fields, batch_size=1000)
    if heads:
        Person.objects.bulk_update(heads, fields, batch_size=1000)
    Person.objects.bulk_create(created, batch_size=1000)
    result.persons_created += len(created)
    if moved:
        Person.history.bulk_history_create(
            list(moved.values()), update=True, default_change_reason=str(MOVED_REASON)
        )


# --- writing an extract (generated registries, for the import benchmark and round trips) ---

EXTRACT_COLUMNS = [
    "dtks_id", "kk_number", "region_code", "address", "rt", "rw", "desil", "nik", "name",
    "sex", "birth_date", "birth_place", "relationship", "disability", "chronic_illness",
    *CODED, "floor_area", "monthly_income", *ASSETS,
]  # fmt: skip
_REGISTRY_CODE = {relationship: str(code) for code, relationship in enumerate(Relationship, 1)}


def dtks_write(households, out: IO[str]) -> int:
    """Write `households` (a queryset) and their members as an extract, as the national
    registry writes one; return the number of rows. Read in chunks: memory stays flat."""
    writer = csv.writer(out)
    writer.writerow(EXTRACT_COLUMNS)
    rows = 0
    people = Person.objects.filter(household__in=households).select_related("household")
    for person in people.order_by("household_id", "pk").iterator(chunk_size=2000):
        home = person.household
        writer.writerow(
            [
                home.dtks_id, home.kk_number or "", home.region_id, home.address, home.rt,
                home.rw, home.desil or "", person.nik or "", person.name,
                "1" if person.sex == "M" else "2", f"{person.birth_date:%d-%m-%Y}",
                person.birth_place, _REGISTRY_CODE[person.relationship], person.disability,
                person.chronic_illness,
                *("" if getattr(home, name) is None else getattr(home, name) for name in CODED),
                "" if home.floor_area is None else home.floor_area,
                "" if home.monthly_income is None else home.monthly_income,
                *(int(getattr(home, name)) for name in ASSETS),
            ]
        )  # fmt: skip
        rows += 1
    return rows
